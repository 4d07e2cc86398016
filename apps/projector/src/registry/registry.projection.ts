import { PoolClient } from 'pg';
import { EventType, MammothEvent, RecordedEvent } from '@mammoth/events';
import { keyString, loadRows, REGISTRY_TABLES, RowChange, saveRows, TableModel } from '@mammoth/read-models';
import { Projection } from '../runner/projection';

/** registryProjection maintains the registry: packages, nodes, apps and instances with their endpoints and state. */
export const registryProjection: Projection = {
  name: 'registry',
  categories: ['package', 'node', 'app', 'instance'],
  tables: REGISTRY_TABLES.map((t) => t.table),
  handles: (type) => REGISTRY_TABLES.some((t) => (t.handles as readonly string[]).includes(type)),
  apply: (tx, event) => applyRegistry(tx, [event]),
  applyBatch: applyRegistry,
};

/** applyRegistry, per table: reads every row the events touch in one query, folds them in order in memory, writes each row once. */
async function applyRegistry(tx: PoolClient, events: readonly RecordedEvent<MammothEvent>[]): Promise<void> {
  for (const model of REGISTRY_TABLES) await applyTable(tx, model, events);
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
  await saveRows(tx, model, changes.values());
}
