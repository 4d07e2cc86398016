import { Client } from 'pg';
import { makeEvent } from '@mammoth/events';
import { AppendContext, PgEventStore } from './event-store';
import { LogWatermark } from './log-watermark';
import { createTestDatabase, eventually, TestDatabase } from './testing/test-infra';

jest.setTimeout(60_000);

const ctx: AppendContext = { correlationId: 'c', actor: 'tester', timestamp: '2024-11-22T10:00:00.000Z' };
const scaled = (to: number) => makeEvent('AppScaled', { name: 'web', from: 0, to });

describe('LogWatermark (real PostgreSQL): positions that commit out of order', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let watermark: LogWatermark;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
    watermark = new LogWatermark(db.pool, { connectionString: db.url }, { pollMs: 50 });
    await watermark.start();
  });
  afterAll(async () => {
    await watermark?.stop();
    await db?.drop();
  });

  /** slowWriter draws a position inside a transaction it keeps open, as an append that has not committed yet. */
  async function slowWriter(
    stream: string,
  ): Promise<{ position: bigint; finish: (how: 'COMMIT' | 'ROLLBACK') => Promise<void> }> {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query('BEGIN');
    await c.query('INSERT INTO streams (stream_id, version) VALUES ($1, 1)', [stream]);
    const r = await c.query<{ position: string }>(
      `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, event_id)
       VALUES ($1, 1, 'AppScaled', 1, '{"name":"web","from":0,"to":9}', $2, gen_random_uuid()) RETURNING position`,
      [stream, JSON.stringify({ ...ctx, eventId: '00000000-0000-4000-8000-000000000000', causationId: null })],
    );
    return {
      position: BigInt(r.rows[0].position),
      finish: async (how) => {
        await c.query(how);
        await c.end();
      },
    };
  }

  it('stops below a position drawn by an open transaction, and delivers it once it commits', async () => {
    await store.append([{ streamId: 'app-a', expectedVersion: 0, events: [scaled(1)] }], ctx);
    const slow = await slowWriter('app-slow');
    const { positions } = await store.append([{ streamId: 'app-b', expectedVersion: 0, events: [scaled(2)] }], ctx);
    expect(BigInt(positions[0])).toBeGreaterThan(slow.position);
    await eventually(async () => expect(watermark.position).toBe(slow.position - 1n));
    await new Promise((r) => setTimeout(r, 700)); // many polls and notifications later, still not past the open transaction
    expect(watermark.position).toBe(slow.position - 1n);

    await slow.finish('COMMIT');
    await eventually(async () => expect(watermark.position).toBe(BigInt(positions[0])));
  });

  it('passes a hole left by a rolled-back transaction as soon as that transaction has ended', async () => {
    const slow = await slowWriter('app-rolled-back');
    const { positions } = await store.append([{ streamId: 'app-c', expectedVersion: 0, events: [scaled(3)] }], ctx);
    await new Promise((r) => setTimeout(r, 300));
    expect(watermark.position).toBe(slow.position - 1n);

    const t0 = Date.now();
    await slow.finish('ROLLBACK');
    await eventually(async () => expect(watermark.position).toBe(BigInt(positions[0])), 5000, 5);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('is not held up at a hole by an open transaction that does not write events', async () => {
    const other = new Client({ connectionString: db.url });
    await other.connect();
    await other.query('BEGIN');
    await other.query(`INSERT INTO streams (stream_id, version) VALUES ('unrelated-open', 1)`);
    try {
      const slow = await slowWriter('app-rolled-back-2');
      await slow.finish('ROLLBACK');
      const { positions } = await store.append([{ streamId: 'app-d', expectedVersion: 0, events: [scaled(4)] }], ctx);
      await eventually(async () => expect(watermark.position).toBe(BigInt(positions[0])), 2000, 5);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  });

  it('reaches the end of the log under concurrent appends with conflicts', async () => {
    const writes = Array.from({ length: 40 }, (_, i) =>
      store
        .append([{ streamId: `app-race-${i % 5}`, expectedVersion: 'any', events: [scaled(i)] }], ctx)
        .catch(() => undefined),
    );
    await Promise.all(writes);
    const max = BigInt((await db.pool.query<{ m: string }>('SELECT max(position)::text AS m FROM events')).rows[0].m);
    await eventually(async () => expect(watermark.position).toBe(max));
  });
});
