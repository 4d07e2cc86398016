import { PoolClient } from 'pg';
import { EventOfType, EventType, RecordedEvent } from '@mammoth/events';

/** ColumnType tells the row store how a column travels between a row object and PostgreSQL. */
export type ColumnType = 'text' | 'uuid' | 'int' | 'bigint' | 'jsonb' | 'timestamptz';

/** TableModel is one read-model table: the events it folds, the row each event touches, and a pure evolve(row | null, event). */
export interface TableModel<Row extends object, T extends EventType> {
  readonly table: string;
  readonly columns: { readonly [K in keyof Row]-?: ColumnType };
  readonly key: readonly (keyof Row & string)[];
  readonly handles: readonly T[];
  keyOf(event: RecordedEvent<EventOfType<T>>): unknown[];
  evolve(row: Row | null, event: RecordedEvent<EventOfType<T>>): Row | null;
}

/** AnyTableModel erases a model's row and event types so models can sit in one list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of models of different rows and event types
export type AnyTableModel = TableModel<any, any>;

/** RowStore is what loadRow and saveRow need of a table: its name, columns and key (a TableModel is one). */
export type RowStore = Pick<AnyTableModel, 'table' | 'columns' | 'key'>;

/** laterOf returns the later of two ISO timestamps, so `updated_at` is the same whatever order events arrive in. */
export function laterOf(a: string | null | undefined, b: string): string {
  return a && Date.parse(a) > Date.parse(b) ? a : b;
}

/** loadRow reads the row an event touches, locked until the transaction ends. */
export async function loadRow<Row extends object>(
  tx: PoolClient,
  model: RowStore,
  key: unknown[],
): Promise<Row | null> {
  const where = model.key.map((k, i) => `"${k}" = $${i + 1}`).join(' AND ');
  const r = await tx.query(`SELECT * FROM "${model.table}" WHERE ${where} FOR UPDATE`, key);
  return r.rows.length ? (fromDb(model, r.rows[0]) as Row) : null;
}

/** saveRow writes a row back (upsert), or deletes it when evolve returned null. */
export async function saveRow(tx: PoolClient, model: RowStore, key: unknown[], row: object | null): Promise<void> {
  if (row === null) {
    const where = model.key.map((k, i) => `"${k}" = $${i + 1}`).join(' AND ');
    await tx.query(`DELETE FROM "${model.table}" WHERE ${where}`, key);
    return;
  }
  const cols = Object.keys(model.columns);
  const types = model.columns as Record<string, ColumnType>;
  const values = cols.map((c) => toDb(types[c], (row as Record<string, unknown>)[c]));
  const placeholders = cols.map((c, i) => `$${i + 1}::${types[c]}`);
  const updates = cols.filter((c) => !model.key.includes(c)).map((c) => `"${c}" = EXCLUDED."${c}"`);
  await tx.query(
    `INSERT INTO "${model.table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${placeholders.join(', ')})
     ON CONFLICT (${model.key.map((k) => `"${k}"`).join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
    values,
  );
}

/** toDb turns a row value into what pg sends for the column type. */
export function toDb(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return type === 'jsonb' ? JSON.stringify(value) : value;
}

/** fromDb turns a row as pg returns it into the row object evolve sees. */
export function fromDb(model: RowStore, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [col, type] of Object.entries(model.columns as Record<string, ColumnType>)) {
    const v = raw[col];
    if (v === null || v === undefined) out[col] = null;
    else if (type === 'timestamptz') out[col] = (v as Date).toISOString();
    else if (type === 'bigint') out[col] = Number(v);
    else out[col] = v;
  }
  return out;
}
