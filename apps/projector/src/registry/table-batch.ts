import { PoolClient } from 'pg';
import { ColumnType, fromDb, RowStore, toDb } from './table';

/** keyString is a row key as a map key. */
export function keyString(key: readonly unknown[]): string {
  return JSON.stringify(key);
}

/** RowChange is the row a batch ends with for one key: the row to upsert, or null to delete it. */
export interface RowChange {
  readonly key: readonly unknown[];
  readonly row: object | null;
}

const typeOf = (model: RowStore, column: string) => (model.columns as Record<string, ColumnType>)[column];

/** keyColumns matches rows against a list of keys given as one array per key column. */
function keyColumns(
  model: RowStore,
  keys: readonly (readonly unknown[])[],
  firstParam = 1,
): { sql: string; params: unknown[][] } {
  const cols = model.key.map((k) => `"${k}"`).join(', ');
  const arrays = model.key.map((k, i) => `$${firstParam + i}::${typeOf(model, k)}[]`).join(', ');
  return {
    sql: `(${cols}) IN (SELECT * FROM unnest(${arrays}))`,
    params: model.key.map((k, i) => keys.map((key) => toDb(typeOf(model, k), key[i]))),
  };
}

/** loadRows reads the rows of many keys in one statement, locked until the transaction ends; keys without a row are absent. */
export async function loadRows(
  tx: PoolClient,
  model: RowStore,
  keys: readonly (readonly unknown[])[],
): Promise<Map<string, object>> {
  const out = new Map<string, object>();
  if (keys.length === 0) return out;
  // One index lookup per key, locking as it goes: `IN (unnest)` of many keys makes the planner scan the whole table.
  const arrays = model.key.map((k, i) => `$${i + 1}::${typeOf(model, k)}[]`).join(', ');
  const match = model.key.map((k) => `"${k}" = k."${k}"`).join(' AND ');
  const r = await tx.query(
    `SELECT r.* FROM unnest(${arrays}) AS k(${model.key.map((k) => `"${k}"`).join(', ')})
       CROSS JOIN LATERAL (SELECT * FROM "${model.table}" WHERE ${match} FOR UPDATE) r`,
    keyColumns(model, keys).params,
  );
  for (const raw of r.rows) {
    const row = fromDb(model, raw);
    out.set(keyString(model.key.map((k) => row[k])), row);
  }
  return out;
}

/** saveRows writes a batch's final rows: one upsert for every row kept and one delete for every row gone. */
export async function saveRows(tx: PoolClient, model: RowStore, changes: Iterable<RowChange>): Promise<void> {
  const upserts: object[] = [];
  const deletes: (readonly unknown[])[] = [];
  for (const c of changes) {
    if (c.row === null) deletes.push(c.key);
    else upserts.push(c.row);
  }
  if (deletes.length > 0) {
    const where = keyColumns(model, deletes);
    await tx.query(`DELETE FROM "${model.table}" WHERE ${where.sql}`, where.params);
  }
  if (upserts.length === 0) return;
  const cols = Object.keys(model.columns);
  const updates = cols.filter((c) => !model.key.includes(c)).map((c) => `"${c}" = EXCLUDED."${c}"`);
  await tx.query(
    `INSERT INTO "${model.table}" (${cols.map((c) => `"${c}"`).join(', ')})
     SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${typeOf(model, c)}[]`).join(', ')})
     ON CONFLICT (${model.key.map((k) => `"${k}"`).join(', ')}) ${updates.length ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`,
    cols.map((c) => upserts.map((row) => toDb(typeOf(model, c), (row as Record<string, unknown>)[c]))),
  );
}
