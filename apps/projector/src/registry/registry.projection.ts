import { PoolClient } from 'pg';
import { MammothEvent, RecordedEvent } from '@mammoth/events';
import { Projection } from '../runner/projection';
import { appsTable } from './apps';
import { instancesTable } from './instances';
import { nodesTable } from './nodes';
import { packagesTable } from './packages';
import { AnyTableModel, loadRow, saveRow } from './table';
import { keyString, loadRows, RowChange, saveRows } from './table-batch';

/** REGISTRY_TABLES are the registry's read models; each event goes to every table that handles its type. */
export const REGISTRY_TABLES: readonly AnyTableModel[] = [packagesTable, nodesTable, appsTable, instancesTable];

/** registryProjection maintains the registry: packages, nodes, apps and instances with their endpoints and state. */
export const registryProjection: Projection = {
  name: 'registry',
  categories: ['package', 'node', 'app', 'instance'],
  tables: REGISTRY_TABLES.map((t) => t.table),
  handles: (type) => REGISTRY_TABLES.some((t) => (t.handles as readonly string[]).includes(type)),
  apply: async (tx: PoolClient, event: RecordedEvent<MammothEvent>) => {
    for (const model of REGISTRY_TABLES) {
      if (!(model.handles as readonly string[]).includes(event.event.type)) continue;
      const key = model.keyOf(event);
      const row = await loadRow(tx, model, key);
      await saveRow(tx, model, key, model.evolve(row, event));
    }
  },
  // Per table: read every row the batch touches in one query, fold the batch's events in order in memory, write each row once.
  applyBatch: async (tx: PoolClient, events: readonly RecordedEvent<MammothEvent>[]) => {
    for (const model of REGISTRY_TABLES) {
      const mine = events.filter((e) => (model.handles as readonly string[]).includes(e.event.type));
      if (mine.length === 0) continue;
      const keys = new Map<string, unknown[]>();
      for (const e of mine) {
        const key = model.keyOf(e);
        keys.set(keyString(key), key);
      }
      const stored = await loadRows(tx, model, [...keys.values()]);
      const changes = new Map<string, RowChange>();
      for (const e of mine) {
        const key = model.keyOf(e);
        const k = keyString(key);
        const row = changes.has(k) ? changes.get(k)!.row : (stored.get(k) ?? null);
        changes.set(k, { key, row: model.evolve(row, e) });
      }
      await saveRows(tx, model, changes.values());
    }
  },
};
