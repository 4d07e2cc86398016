import { PoolClient } from 'pg';
import { EventType, MammothEvent, RecordedEvent, StreamCategory } from '@mammoth/events';
import {
  AnyTableModel,
  keyString,
  loadRows,
  REGISTRY_TABLES,
  RowChange,
  saveRows,
  TableModel,
} from '@mammoth/read-models';
import { Projection } from '../runner/projection';

/** registryProjection maintains the registry: packages, nodes, apps and instances with their endpoints and state. */
export const registryProjection = tablesProjection('registry', ['package', 'node', 'app', 'instance'], REGISTRY_TABLES);

/** tablesProjection is a projection that folds events into row tables (TableModels), each event into every table handling it. */
export function tablesProjection(
  name: string,
  categories: readonly StreamCategory[],
  tables: readonly AnyTableModel[],
): Projection {
  // Per table: read every row the events touch in one query, fold them in order in memory, write each row once.
  const applyAll = async (tx: PoolClient, events: readonly RecordedEvent<MammothEvent>[]): Promise<void> => {
    for (const model of tables) await applyTable(tx, model, events);
  };
  return {
    name,
    categories,
    tables: tables.map((t) => t.table),
    handles: (type) => tables.some((t) => (t.handles as readonly string[]).includes(type)),
    apply: (tx, event) => applyAll(tx, [event]),
    applyBatch: applyAll,
  };
}

/** applyTable folds the events one table handles into its rows. */
async function applyTable<Row extends object>(
  tx: PoolClient,
  model: TableModel<Row, EventType>,
  events: readonly RecordedEvent<MammothEvent>[],
): Promise<void> {
  const mine = events.filter((e) => (model.handles as readonly string[]).includes(e.event.type));
  if (mine.length === 0) return;
  const keys = new Map<string, unknown[]>();
  for (const e of mine) {
    const key = model.keyOf(e);
    keys.set(keyString(key), key);
  }
  const stored = await loadRows(tx, model, [...keys.values()]);
  const changes = new Map<string, RowChange<Row>>();
  for (const e of mine) {
    const key = model.keyOf(e);
    const k = keyString(key);
    const row = changes.has(k) ? changes.get(k)!.row : (stored.get(k) ?? null);
    changes.set(k, { key, row: model.evolve(row, e) });
  }
  // A row its events left as it was stored (evolve returned the very row, or none became none) is not written again.
  const changed = [...changes].filter(([k, c]) => c.row !== (stored.get(k) ?? null)).map(([, c]) => c);
  await saveRows(tx, model, changed);
}
