import { Queryable, selectRows } from '../../row-store/rows';
import { PackageRow, packagesTable } from './packages';

/** listPackages reads every uploaded package version, by name and upload time. */
export function listPackages(db: Queryable): Promise<PackageRow[]> {
  return selectRows<PackageRow>(db, packagesTable, 'ORDER BY t.name, t.uploaded_at');
}
