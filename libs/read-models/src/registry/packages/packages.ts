import { TableModel } from '../../row-store/table';

/** PackageRow is one row of rm_packages: an uploaded package version. */
export interface PackageRow {
  name: string;
  version: string;
  digest: string;
  format: string;
  size_bytes: number;
  image_ref: string;
  uploaded_at: string;
}

const HANDLES = ['PackageUploaded'] as const;

/** packagesTable folds PackageUploaded into rm_packages, one row per (name, version). */
export const packagesTable: TableModel<PackageRow, (typeof HANDLES)[number]> = {
  table: 'rm_packages',
  columns: {
    name: 'text',
    version: 'text',
    digest: 'text',
    format: 'text',
    size_bytes: 'bigint',
    image_ref: 'text',
    uploaded_at: 'timestamptz',
  },
  key: ['name', 'version'],
  handles: HANDLES,
  keyOf: (e) => [e.event.data.name, e.event.data.version],
  evolve: (_row, e) => {
    const d = e.event.data;
    return {
      name: d.name,
      version: d.version,
      digest: d.digest,
      format: d.format,
      size_bytes: d.sizeBytes,
      image_ref: d.imageRef,
      uploaded_at: e.metadata.timestamp,
    };
  },
};
