import { PoolClient } from 'pg';
import { insertRows, RowChange, saveRows, selectRows } from '../row-store/rows';
import { TableSchema } from '../row-store/table';
import { LbAppRow, LbEndpointRow, LbModel, LbNodeRow } from './lb-model';
import { LbVersionRow, lbVersionsTable } from './lb-versions';

/** LB_CONFIG_CHANNEL is notified with the newest version number in the transaction that writes new versions. */
export const LB_CONFIG_CHANNEL = 'mammoth_lb_config';

/** OpenCommit is the commit whose events were folded last and which may still have events to come. */
export interface OpenCommit {
  key: string;
  timestamp: string;
  position: string;
}

/** LbProgressRow is rm_lb_progress's one row: the open commit, and whether rows changed since the last render. */
export interface LbProgressRow {
  id: boolean;
  open_commit: OpenCommit | null;
  dirty: boolean;
}

/** LbProgress is what the version sequence needs besides the model: the last version, the open commit, and whether rows changed since the last render. */
export interface LbProgress {
  lastVersion: number;
  lastHash: string | null;
  open: OpenCommit | null;
  dirty: boolean;
}

/** lbAppsTable, lbNodesTable, lbEndpointsTable and lbProgressTable describe the lb-config read model's state tables. */
export const lbAppsTable: TableSchema<LbAppRow> = {
  table: 'rm_lb_apps',
  columns: { name: 'text', version: 'text', canary_weight: 'int' },
  key: ['name'],
};
export const lbNodesTable: TableSchema<LbNodeRow> = {
  table: 'rm_lb_nodes',
  columns: { node_id: 'text', lost: 'boolean' },
  key: ['node_id'],
};
export const lbEndpointsTable: TableSchema<LbEndpointRow> = {
  table: 'rm_lb_endpoints',
  columns: {
    instance_id: 'uuid',
    app: 'text',
    node_id: 'text',
    host: 'text',
    port: 'int',
    weight: 'int',
    desired: 'text',
    state: 'text',
    version: 'text',
    health: 'text',
    container_id: 'text',
  },
  key: ['instance_id'],
};
export const lbProgressTable: TableSchema<LbProgressRow> = {
  table: 'rm_lb_progress',
  columns: { id: 'boolean', open_commit: 'jsonb', dirty: 'boolean' },
  key: ['id'],
};

/** LB_TABLES are the lb-config read model's tables; a rebuild truncates them all. */
export const LB_TABLES = [lbAppsTable, lbNodesTable, lbEndpointsTable, lbProgressTable, lbVersionsTable].map(
  (t) => t.table,
);

/** loadLbState reads the model, the open commit and the last version from the read model's tables. */
export async function loadLbState(tx: PoolClient): Promise<{ model: LbModel; progress: LbProgress }> {
  const model = new LbModel();
  for (const r of await selectRows(tx, lbAppsTable)) model.apps.set(r.name, r);
  for (const r of await selectRows(tx, lbNodesTable)) model.nodes.set(r.node_id, r);
  for (const r of await selectRows(tx, lbEndpointsTable)) model.endpoints.set(r.instance_id, r);
  const [p] = await selectRows(tx, lbProgressTable);
  const [last] = await selectRows(tx, lbVersionsTable, 'ORDER BY t.version DESC LIMIT 1');
  return {
    model,
    progress: {
      lastVersion: last?.version ?? 0,
      lastHash: last?.hash ?? null,
      open: p?.open_commit ?? null,
      dirty: p?.dirty ?? false,
    },
  };
}

/** saveLbState writes the rows the model touched, the new versions and the progress, and notifies LB_CONFIG_CHANNEL of new versions. */
export async function saveLbState(
  tx: PoolClient,
  model: LbModel,
  progress: LbProgress,
  versions: readonly LbVersionRow[],
): Promise<void> {
  const changes = <T extends object>(keys: Set<string>, rows: Map<string, T>): RowChange<T>[] =>
    [...keys].map((k) => ({ key: [k], row: rows.get(k) ?? null }));
  await saveRows(tx, lbAppsTable, changes(model.touched.apps, model.apps));
  await saveRows(tx, lbNodesTable, changes(model.touched.nodes, model.nodes));
  await saveRows(tx, lbEndpointsTable, changes(model.touched.endpoints, model.endpoints));
  model.clearTouched();
  await insertRows(tx, lbVersionsTable, versions);
  const row = { id: true, open_commit: progress.open, dirty: progress.dirty };
  await saveRows(tx, lbProgressTable, [{ key: [true], row }]);
  if (versions.length)
    await tx.query('SELECT pg_notify($1, $2)', [LB_CONFIG_CHANNEL, String(versions[versions.length - 1].version)]);
}
