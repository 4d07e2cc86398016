import { Client } from 'pg';
import { makeEvent, streamIds } from '@mammoth/events';
import { LogWatermark, PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, eventually, TestDatabase } from '@mammoth/event-store/testing/test-infra';
import { ClusterState } from './cluster-state';

const ctx = { correlationId: 'c', actor: 'test', timestamp: '2026-11-22T10:00:00.000Z' };
const registered = (nodeId: string) =>
  makeEvent('NodeRegistered', {
    nodeId,
    hostname: nodeId,
    address: '127.0.0.1',
    capacity: { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 0 },
    portRange: { from: 20000, to: 20099 },
    labels: {},
    driver: 'sim',
  });

describe('ClusterState (real PostgreSQL): node events that commit out of position order', () => {
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

  /** lateRegistration draws a NodeRegistered position in a transaction it keeps open, as a registration still committing. */
  async function lateRegistration(nodeId: string): Promise<{ position: bigint; commit: () => Promise<void> }> {
    const c = new Client({ connectionString: db.url });
    c.on('error', () => undefined); // dropping the database ends it if the test failed before the commit
    await c.connect();
    const e = registered(nodeId);
    await c.query('BEGIN');
    await c.query('INSERT INTO streams (stream_id, version) VALUES ($1, 1)', [streamIds.node(nodeId)]);
    const r = await c.query<{ position: string }>(
      `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, event_id)
       VALUES ($1, 1, $2, $3, $4, $5, gen_random_uuid()) RETURNING position`,
      [
        streamIds.node(nodeId),
        e.type,
        e.version,
        JSON.stringify(e.data),
        JSON.stringify({ ...ctx, eventId: '00000000-0000-4000-8000-000000000001', causationId: null }),
      ],
    );
    return {
      position: BigInt(r.rows[0].position),
      commit: async () => {
        await c.query('COMMIT');
        await c.end();
      },
    };
  }

  const ids = (cluster: ClusterState) =>
    cluster
      .candidates()
      .map((n) => n.id)
      .sort();

  it('sees a registration that commits after a later-drawn one was already folded', async () => {
    const cluster = new ClusterState(store, watermark);
    const slow = await lateRegistration('slow');
    const { positions } = await store.append(
      [{ streamId: streamIds.node('fast'), expectedVersion: 0, events: [registered('fast')] }],
      ctx,
    );
    expect(BigInt(positions[0])).toBeGreaterThan(slow.position);
    await cluster.refresh();
    expect(ids(cluster)).toEqual(['fast']);

    await slow.commit();
    await eventually(async () => expect(watermark.position).toBeGreaterThanOrEqual(BigInt(positions[0])));
    await cluster.refresh();
    expect(ids(cluster)).toEqual(['fast', 'slow']);
    // Past the watermark nothing is read twice: a third node is simply added.
    await store.append([{ streamId: streamIds.node('third'), expectedVersion: 0, events: [registered('third')] }], ctx);
    await cluster.refresh();
    expect(ids(cluster)).toEqual(['fast', 'slow', 'third']);
    expect(cluster.get(streamIds.node('slow')).version).toBe(1);
  });
});
