import { EventOfType, EventType, RecordedEvent } from '@mammoth/events';

/**
 * ColumnType tells the row store how a column travels between a row object and PostgreSQL; `position` is a BIGINT that
 * rows carry as a decimal string (a log position can pass 2^53), `bigint` one they carry as a number (a size).
 */
export type ColumnType = 'text' | 'uuid' | 'int' | 'bigint' | 'real' | 'position' | 'boolean' | 'jsonb' | 'timestamptz';

/** SQL_TYPES is the PostgreSQL type each column type is cast to. */
export const SQL_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  uuid: 'uuid',
  int: 'int',
  bigint: 'bigint',
  real: 'real',
  position: 'bigint',
  boolean: 'boolean',
  jsonb: 'jsonb',
  timestamptz: 'timestamptz',
};

/** TableSchema is one read-model table as both its writer and its readers see it: its name, every column's type, its key. */
export interface TableSchema<Row extends object> {
  readonly table: string;
  readonly columns: { readonly [K in keyof Row]-?: ColumnType };
  readonly key: readonly (keyof Row & string)[];
  /** row is never set: it carries the row type, so the generic row functions infer it from the schema. */
  readonly row?: Row;
}

/** TableModel is a table folded from events: the events it handles, the row each one touches, and a pure evolve(row | null, event). */
export interface TableModel<Row extends object, T extends EventType> extends TableSchema<Row> {
  readonly handles: readonly T[];
  keyOf(event: RecordedEvent<EventOfType<T>>): unknown[];
  evolve(row: Row | null, event: RecordedEvent<EventOfType<T>>): Row | null;
}

/** AnyTableModel erases a model's row and event types so models can sit in one list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of models of different rows and event types
export type AnyTableModel = TableModel<any, any>;

/** laterOf returns the later of two ISO timestamps, so `updated_at` is the same whatever order events arrive in. */
export function laterOf(a: string | null | undefined, b: string): string {
  return a && Date.parse(a) > Date.parse(b) ? a : b;
}

/** toDb turns a row value into what pg sends for the column type. */
export function toDb(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return type === 'jsonb' ? JSON.stringify(value) : value;
}

/** fromDb turns a row as pg returns it into the row object the schema declares (timestamps as ISO strings). */
export function fromDb<Row extends object>(schema: TableSchema<Row>, raw: Record<string, unknown>): Row {
  const out: Record<string, unknown> = {};
  for (const [col, type] of Object.entries(schema.columns as Record<string, ColumnType>)) {
    const v = raw[col];
    if (v === null || v === undefined) out[col] = null;
    else if (type === 'timestamptz') out[col] = (v as Date).toISOString();
    else if (type === 'bigint') out[col] = Number(v);
    else if (type === 'position') out[col] = String(v);
    else out[col] = v;
  }
  return out as Row;
}
