import { Pool, PoolClient } from 'pg';
import { ColumnType, fromDb, SQL_TYPES, TableSchema, toDb } from './table';

/** Queryable is where a read-model query runs: the pool, or a transaction's client. */
export type Queryable = Pool | PoolClient;

/** keyString is a row key as a map key. */
export function keyString(key: readonly unknown[]): string {
  return JSON.stringify(key);
}

/** RowChange is the row a batch ends with for one key: the row to upsert, or null to delete it. */
export interface RowChange<Row extends object = object> {
  readonly key: readonly unknown[];
  readonly row: Row | null;
}

const sqlTypeOf = <Row extends object>(schema: TableSchema<Row>, column: string): string =>
  SQL_TYPES[(schema.columns as Record<string, ColumnType>)[column]];

/** keyColumns matches rows against a list of keys given as one array per key column. */
function keyColumns<Row extends object>(
  schema: TableSchema<Row>,
  keys: readonly (readonly unknown[])[],
): { sql: string; params: unknown[][] } {
  const cols = schema.key.map((k) => `"${k}"`).join(', ');
  const arrays = schema.key.map((k, i) => `$${i + 1}::${sqlTypeOf(schema, k)}[]`).join(', ');
  const columns = schema.columns as Record<string, ColumnType>;
  return {
    sql: `(${cols}) IN (SELECT * FROM unnest(${arrays}))`,
    params: schema.key.map((k, i) => keys.map((key) => toDb(columns[k], key[i]))),
  };
}

/**
 * selectRows reads a table's rows as its schema declares them; `rest` follows `FROM <table> t` (a WHERE, an ORDER BY).
 * Given a `statement` name, it runs as a named prepared statement of its declared columns (parsed and planned once per
 * connection, and never broken by a column a later migration adds): for the API's hot reads, whose text never varies.
 */
export async function selectRows<Row extends object>(
  db: Queryable,
  schema: TableSchema<Row>,
  rest = '',
  params: readonly unknown[] = [],
  statement?: string,
): Promise<Row[]> {
  const r = statement
    ? await db.query<Record<string, unknown>>({
        name: statement,
        text: `SELECT ${declaredColumns(schema)} FROM "${schema.table}" t ${rest}`,
        values: [...params],
      })
    : await db.query<Record<string, unknown>>(`SELECT t.* FROM "${schema.table}" t ${rest}`, [...params]);
  return r.rows.map((raw) => fromDb(schema, raw));
}

/** declaredColumns lists a schema's columns of the table aliased t. */
function declaredColumns<Row extends object>(schema: TableSchema<Row>): string {
  return Object.keys(schema.columns)
    .map((c) => `t."${c}"`)
    .join(', ');
}

/** loadRows reads the rows of many keys in one statement, locked until the transaction ends; keys without a row are absent. */
export async function loadRows<Row extends object>(
  tx: PoolClient,
  schema: TableSchema<Row>,
  keys: readonly (readonly unknown[])[],
): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  if (keys.length === 0) return out;
  // One index lookup per key, locking as it goes: `IN (unnest)` of many keys makes the planner scan the whole table.
  const arrays = schema.key.map((k, i) => `$${i + 1}::${sqlTypeOf(schema, k)}[]`).join(', ');
  const match = schema.key.map((k) => `"${k}" = k."${k}"`).join(' AND ');
  const r = await tx.query<Record<string, unknown>>(
    `SELECT r.* FROM unnest(${arrays}) AS k(${schema.key.map((k) => `"${k}"`).join(', ')})
       CROSS JOIN LATERAL (SELECT * FROM "${schema.table}" WHERE ${match} FOR UPDATE) r`,
    keyColumns(schema, keys).params,
  );
  for (const raw of r.rows) {
    const row = fromDb(schema, raw);
    out.set(keyString(schema.key.map((k) => row[k])), row);
  }
  return out;
}

/** insertRows adds rows that must not exist yet (a conflict fails the transaction). */
export async function insertRows<Row extends object>(
  tx: PoolClient,
  schema: TableSchema<Row>,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const { cols, arrays, values } = columnArrays(schema, rows);
  await tx.query(`INSERT INTO "${schema.table}" (${cols}) SELECT * FROM unnest(${arrays})`, values);
}

/** saveRows writes a batch's final rows: one upsert for every row kept and one delete for every row gone. */
export async function saveRows<Row extends object>(
  tx: PoolClient,
  schema: TableSchema<Row>,
  changes: Iterable<RowChange<Row>>,
): Promise<void> {
  const upserts: Row[] = [];
  const deletes: (readonly unknown[])[] = [];
  for (const c of changes) {
    if (c.row === null) deletes.push(c.key);
    else upserts.push(c.row);
  }
  if (deletes.length > 0) {
    const where = keyColumns(schema, deletes);
    await tx.query(`DELETE FROM "${schema.table}" WHERE ${where.sql}`, where.params);
  }
  if (upserts.length === 0) return;
  const { cols, arrays, values } = columnArrays(schema, upserts);
  const updates = Object.keys(schema.columns)
    .filter((c) => !(schema.key as readonly string[]).includes(c))
    .map((c) => `"${c}" = EXCLUDED."${c}"`);
  await tx.query(
    `INSERT INTO "${schema.table}" (${cols}) SELECT * FROM unnest(${arrays})
     ON CONFLICT (${schema.key.map((k) => `"${k}"`).join(', ')}) ${updates.length ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`,
    values,
  );
}

/** columnArrays lays rows out as one typed array parameter per column, the shape `unnest` inserts from. */
function columnArrays<Row extends object>(
  schema: TableSchema<Row>,
  rows: readonly Row[],
): { cols: string; arrays: string; values: unknown[][] } {
  const columns = schema.columns as Record<string, ColumnType>;
  const names = Object.keys(columns);
  return {
    cols: names.map((c) => `"${c}"`).join(', '),
    arrays: names.map((c, i) => `$${i + 1}::${SQL_TYPES[columns[c]]}[]`).join(', '),
    values: names.map((c) => rows.map((row) => toDb(columns[c], (row as Record<string, unknown>)[c]))),
  };
}
