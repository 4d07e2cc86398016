import { Pool } from 'pg';
import { PgEventStore, ReadAllFilter } from './event-store';
import { createTestDatabase, TestDatabase } from './testing/test-infra';

jest.setTimeout(120_000);

/** planOf is PostgreSQL's plan for the statement readAll runs with this filter, as EXPLAIN prints it. */
async function planOf(pool: Pool, filter: ReadAllFilter): Promise<string> {
  const { text, values } = PgEventStore.readAllQuery('0', 100, filter);
  const r = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
  return r.rows.map((x) => x['QUERY PLAN']).join('\n');
}

describe('the events query filters (real PostgreSQL, a log of 200,000 events)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    // 2,000 apps with 100 events each over app, instance and node streams, 1,000 nodes and 1,000 actors (each value rare).
    await db.pool.query(`
      INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, event_id)
      SELECT CASE i % 3 WHEN 0 THEN 'app-app' || (i % 2000) WHEN 1 THEN 'instance-' || i ELSE 'node-n' || (i % 1000) END,
             i, 'InstanceReported', 1,
             jsonb_build_object('app', 'app' || (i % 2000), 'nodeId', 'n' || (i % 1000)),
             jsonb_build_object('actor', 'user' || (i % 1000)), gen_random_uuid()
        FROM generate_series(1, 200000) AS i`);
    await db.pool.query('ANALYZE events');
  });
  afterAll(() => db?.drop());

  it.each([
    ['app', { app: 'app7' }, 'events_app_position'],
    ['node', { node: 'n7' }, 'events_node_position'],
    ['actor', { actor: 'user7' }, 'events_actor_position'],
    ['types', { types: ['AppDeployed'] }, 'events_type_position'],
  ] as [string, ReadAllFilter, string][])(
    'reads by %s through its index, never scanning the whole log',
    async (_name, filter, index) => {
      const plan = await planOf(db.pool, filter);
      expect(plan).toContain(index);
      expect(plan).not.toMatch(/Seq Scan/);
    },
  );

  it('the app and node filters keep their own stream and the events naming them, as before', async () => {
    const read = async (filter: ReadAllFilter) => {
      const { text, values } = PgEventStore.readAllQuery('0', 100_000, filter);
      return (await db.pool.query<{ position: string }>(text, values)).rows.map((r) => r.position);
    };
    const direct = async (where: string) =>
      (
        await db.pool.query<{ position: string }>(`SELECT position FROM events WHERE ${where} ORDER BY position`)
      ).rows.map((r) => r.position);
    expect(await read({ app: 'app7' })).toEqual(await direct(`stream_id = 'app-app7' OR data->>'app' = 'app7'`));
    expect(await read({ node: 'n7' })).toEqual(await direct(`stream_id = 'node-n7' OR data->>'nodeId' = 'n7'`));
    expect((await read({ app: 'app7' })).length).toBe(100);
  });
});
