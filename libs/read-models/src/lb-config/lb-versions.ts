import { Queryable, selectRows } from '../row-store/rows';
import { TableSchema } from '../row-store/table';
import { Upstream } from './lb-model';

/** LbVersionRow is one row of lb_config_versions: a rendered configuration, numbered from 1, each differing from the one before. */
export interface LbVersionRow {
  version: number;
  hash: string;
  config: string;
  upstreams: Upstream[];
  /** rendered_at is the timestamp of the last event of the commit that produced it, so a replay renders the same. */
  rendered_at: string;
  /** position is that event's log position. */
  position: string;
}

/** lbVersionsTable describes lb_config_versions. */
export const lbVersionsTable: TableSchema<LbVersionRow> = {
  table: 'lb_config_versions',
  columns: {
    version: 'int',
    hash: 'text',
    config: 'text',
    upstreams: 'jsonb',
    rendered_at: 'timestamptz',
    position: 'position',
  },
  key: ['version'],
};

/** latestLbVersion reads the newest configuration, or null before the first. */
export async function latestLbVersion(db: Queryable): Promise<LbVersionRow | null> {
  const [row] = await selectRows(db, lbVersionsTable, 'ORDER BY t.version DESC LIMIT 1');
  return row ?? null;
}

/** lbVersionNumbered reads one configuration by its version number, or null. */
export async function lbVersionNumbered(db: Queryable, version: number): Promise<LbVersionRow | null> {
  const [row] = await selectRows(db, lbVersionsTable, 'WHERE t.version = $1', [version]);
  return row ?? null;
}

/** lbVersionsAfter reads up to `limit` configurations after `version`, oldest first. */
export function lbVersionsAfter(db: Queryable, version: number, limit: number): Promise<LbVersionRow[]> {
  return selectRows(db, lbVersionsTable, 'WHERE t.version > $1 ORDER BY t.version LIMIT $2', [version, limit]);
}
