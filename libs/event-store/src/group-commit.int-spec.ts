import { Client } from 'pg';
import { DomainEvent, makeEvent } from '@mammoth/events';
import { WrongExpectedVersionError } from './errors';
import { AppendContext, PgEventStore, StreamWrite } from './event-store';
import { createTestDatabase, eventually, TestDatabase } from './testing/test-infra';

jest.setTimeout(120_000);

const ctx: AppendContext = { correlationId: 'c', actor: 'tester', timestamp: '2024-11-22T10:00:00.000Z' };
const scaled = (to: number): DomainEvent => makeEvent('AppScaled', { name: 'web', from: 0, to });
const write = (streamId: string, expectedVersion: number | 'any', ...values: number[]): StreamWrite => ({
  streamId,
  expectedVersion,
  events: values.map(scaled),
});

describe('PgEventStore group commit (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.pool.query<{ n: string }>(sql, params)).rows[0].n);
  const values = async (streamId: string) =>
    (await store.readStream(streamId)).events.map((e) => [e.streamVersion, (e.event.data as { to: number }).to]);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
  });
  afterAll(() => db?.drop());

  it('commits concurrent appends together and fails only the conflicting ones, each stream contiguous', async () => {
    await store.append([write('app-g1', 0, 1), write('app-g2', 0, 1), write('node-g3', 0, 1)], ctx);
    const before = store.commitStats;
    const results = await Promise.allSettled([
      store.append([write('app-g1', 1, 2)], ctx), // commits
      store.append([write('app-g2', 0, 99)], ctx), // stale: fails
      store.append([write('node-g3', 1, 2), write('app-g4', 3, 99)], ctx), // one stream of two conflicts: fails whole
      store.append([write('node-g3', 1, 3)], ctx), // the failed one's stream at the version it expected: commits
      store.append([write('app-g1', 1, 99)], ctx), // raced by the first, which came earlier: fails
      store.append([write('app-g1', 2, 3)], ctx), // follows the first: commits
      store.append([write('app-g5', 0, 1), write('app-g2', 'any', 2)], ctx), // commits
      store.append([write('app-g5', 1, 2)], ctx), // follows the previous: commits
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as WrongExpectedVersionError] : []));
    for (const r of reasons) expect(r).toBeInstanceOf(WrongExpectedVersionError);
    expect(reasons.map((r) => [r.streamId, r.expected])).toEqual([
      ['app-g2', 0],
      ['app-g4', 3],
      ['app-g1', 1],
    ]);
    expect(await values('app-g1')).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(await values('app-g2')).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(await values('node-g3')).toEqual([
      [1, 1],
      [2, 3],
    ]);
    expect(await values('app-g5')).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(await store.streamIdsWithPrefix('app-g4')).toEqual([]);
    // Eight appends in fewer transactions than appends: they were grouped.
    const after = store.commitStats;
    expect(after.commands - before.commands).toBe(8);
    expect(after.batches - before.batches).toBeLessThan(8);
    expect(await count('SELECT count(*) AS n FROM outbox')).toBe(await count('SELECT count(*) AS n FROM events'));
  });

  it('fails only the append with a row PostgreSQL refuses, commits the rest of its batch, and keeps working', async () => {
    const events = await count('SELECT count(*) AS n FROM events');
    const before = store.commitStats;
    const bad: DomainEvent = makeEvent('AppScaled', { name: 'nul\u0000byte', from: 0, to: 1 });
    const results = await Promise.allSettled([
      store.append([write('app-b1', 0, 1)], ctx),
      store.append([{ streamId: 'app-b2', expectedVersion: 0, events: [bad] }, write('app-b3', 0, 1)], ctx),
      store.append([write('app-b4', 0, 1)], ctx),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22P05' });
    // The three shared one batch: the bad row failed it, and each was then tried alone.
    expect(store.commitStats).toEqual({ batches: before.batches + 1, commands: before.commands + 3 });
    expect(await store.streamIdsWithPrefix('app-b')).toEqual(['app-b1', 'app-b4']);
    expect(await count('SELECT count(*) AS n FROM events')).toBe(events + 2);
    await store.append([write('app-b2', 0, 7), write('app-b3', 0, 7)], ctx);
    expect(await values('app-b2')).toEqual([[1, 7]]);
    expect(await count('SELECT count(*) AS n FROM outbox')).toBe(await count('SELECT count(*) AS n FROM events'));
  });

  it('settles a batch that lost the race to create a stream: the loser conflicts, the others commit', async () => {
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      // Another writer (another process) creates app-r1 and has not committed yet.
      await other.query('BEGIN');
      await other.query(`INSERT INTO streams (stream_id, version) VALUES ('app-r1', 1)`);
      await other.query(
        `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, event_id)
         VALUES ('app-r1', 1, 'AppScaled', 1, $1, $2, gen_random_uuid())`,
        [scaled(5).data, { ...ctx, eventId: '00000000-0000-4000-8000-000000000001', causationId: null }],
      );
      const racing = Promise.allSettled([
        store.append([write('app-r1', 0, 1)], ctx),
        store.append([write('app-r2', 0, 1)], ctx),
      ]);
      await eventually(async () =>
        expect(
          await count(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          ),
        ).toBe(1),
      );
      await other.query('COMMIT');
      const [loser, winner] = await racing;
      expect(loser.status === 'rejected' && loser.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(winner.status).toBe('fulfilled');
      expect(await values('app-r1')).toEqual([[1, 5]]);
      expect(await values('app-r2')).toEqual([[1, 1]]);
    } finally {
      await other.end();
    }
  });
});
