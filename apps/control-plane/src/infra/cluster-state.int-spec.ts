import { Client } from 'pg';
import { makeEvent, streamIds } from '@mammoth/events';
import { LogWatermark, PgEventStore } from '@mammoth/event-store';
import { appendRaw } from '@mammoth/event-store/testing/raw-append';
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

  it('leaves out a node whose stream holds an unreadable event (invalid, or a newer schema) and keeps folding the rest', async () => {
    const logged: string[] = [];
    const cluster = new ClusterState(store, watermark, (m) => logged.push(m));
    const good = streamIds.node('good');
    await store.append([{ streamId: good, expectedVersion: 0, events: [registered('good')] }], ctx);
    await appendRaw(db.pool, {
      streamId: streamIds.node('broken'),
      type: 'NodeRegistered',
      schemaVersion: 1,
      data: { nodeId: 'broken' },
    });
    await appendRaw(db.pool, {
      streamId: streamIds.node('future'),
      type: 'NodeRegistered',
      schemaVersion: 7,
      data: registered('future').data,
    });
    const { positions } = await store.append(
      [{ streamId: streamIds.node('later'), expectedVersion: 0, events: [registered('later')] }],
      ctx,
    );
    await eventually(async () => expect(watermark.position).toBeGreaterThanOrEqual(BigInt(positions[0])));

    await cluster.refresh();
    expect(ids(cluster)).toEqual(expect.arrayContaining(['good', 'later']));
    expect(ids(cluster)).not.toEqual(expect.arrayContaining(['broken']));
    expect(ids(cluster)).not.toEqual(expect.arrayContaining(['future']));
    expect(cluster.registered().map((n) => n.state.info.nodeId)).not.toContain('future');
    expect(cluster.status().poisoned).toEqual([
      expect.objectContaining({ streamId: streamIds.node('broken'), error: expect.stringMatching(/invalid event/) }),
      expect.objectContaining({
        streamId: streamIds.node('future'),
        error: 'invalid event NodeRegistered: schema version 7 is newer than 1',
      }),
    ]);
    expect(logged).toEqual([
      expect.stringContaining('node stream node-broken has an event this control plane cannot read'),
      expect.stringContaining('node stream node-future has an event this control plane cannot read'),
    ]);

    // Refreshing again, reloading the stream and later events of other nodes all go on, and it is said only once.
    await cluster.reload([streamIds.node('future'), good]);
    await store.append([{ streamId: streamIds.node('last'), expectedVersion: 0, events: [registered('last')] }], ctx);
    await cluster.refresh();
    expect(ids(cluster)).toEqual(expect.arrayContaining(['good', 'later', 'last']));
    expect(logged).toHaveLength(2);
  });
});
