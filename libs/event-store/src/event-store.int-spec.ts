import { randomUUID } from 'node:crypto';
import { DomainEvent, makeEvent } from '@mammoth/events';
import { WrongExpectedVersionError } from './errors';
import { AppendContext, PgEventStore } from './event-store';
import { createTestDatabase, TestDatabase } from './testing/test-infra';

jest.setTimeout(60_000);

const ctx: AppendContext = {
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: 'tester',
  timestamp: '2024-11-22T10:00:00.000Z',
};
const scaled = (to: number, name = 'web'): DomainEvent => makeEvent('AppScaled', { name, from: 0, to });
const toValues = (events: { event: DomainEvent }[]) => events.map((e) => (e.event.data as { to: number }).to);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

describe('PgEventStore (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.pool.query<{ n: string }>(sql, params)).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
  });
  afterAll(async () => {
    await db?.drop();
  });

  describe('append and read', () => {
    it('appends to a new stream and reads it back in order, with metadata', async () => {
      const { positions } = await store.append(
        [{ streamId: 'app-read', expectedVersion: 0, events: [scaled(1), scaled(2), scaled(3)] }],
        ctx,
      );
      expect(positions).toHaveLength(3);
      expect(positions.map(BigInt)).toEqual([...positions.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));

      const s = await store.readStream('app-read');
      expect(s.version).toBe(3);
      expect(s.events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
      expect(s.events.map((e) => e.position)).toEqual(positions);
      expect(toValues(s.events)).toEqual([1, 2, 3]);
      for (const e of s.events) {
        expect(e.streamId).toBe('app-read');
        expect(e.event.type).toBe('AppScaled');
        expect(e.metadata).toMatchObject({
          correlationId: 'corr-1',
          causationId: 'cause-1',
          actor: 'tester',
          timestamp: ctx.timestamp,
        });
        expect(e.metadata.eventId).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(new Set(s.events.map((e) => e.metadata.eventId)).size).toBe(3);

      await store.append([{ streamId: 'app-read', expectedVersion: 3, events: [scaled(4)] }], ctx);
      const after = await store.readStream('app-read');
      expect(after.version).toBe(4);
      expect(toValues(after.events)).toEqual([1, 2, 3, 4]);
    });

    it('reads a missing stream as version 0 with no events', async () => {
      expect(await store.readStream('app-missing')).toEqual({ streamId: 'app-missing', version: 0, events: [] });
    });

    it('writes nothing for an append without events', async () => {
      const before = await count('SELECT count(*) AS n FROM events');
      expect(await store.append([{ streamId: 'app-empty', expectedVersion: 0, events: [] }], ctx)).toEqual({
        positions: [],
      });
      expect(await count('SELECT count(*) AS n FROM events')).toBe(before);
      expect(await store.streamIdsWithPrefix('app-empty')).toEqual([]);
    });

    it('puts every appended event in the outbox in the same transaction', async () => {
      const { positions } = await store.append(
        [{ streamId: 'app-outbox', expectedVersion: 0, events: [scaled(1), scaled(2)] }],
        ctx,
      );
      expect(await count('SELECT count(*) AS n FROM outbox WHERE position = ANY($1::bigint[])', [positions])).toBe(2);
    });

    it('readStreams loads several streams at once, missing ones as version 0', async () => {
      await store.append(
        [
          { streamId: 'app-m1', expectedVersion: 0, events: [scaled(1)] },
          { streamId: 'node-m2', expectedVersion: 0, events: [scaled(1), scaled(2)] },
        ],
        ctx,
      );
      const m = await store.readStreams(['app-m1', 'node-m2', 'app-m3']);
      expect([...m.keys()]).toEqual(['app-m1', 'node-m2', 'app-m3']);
      expect(m.get('app-m1')!.version).toBe(1);
      expect(m.get('node-m2')!.version).toBe(2);
      expect(m.get('node-m2')!.events.map((e) => e.streamVersion)).toEqual([1, 2]);
      expect(m.get('app-m3')).toEqual({ streamId: 'app-m3', version: 0, events: [] });
      expect((await store.readStreams([])).size).toBe(0);
    });

    it('readAll pages through the global log in position order, with filters', async () => {
      const start = (await db.pool.query<{ p: string }>('SELECT coalesce(max(position), 0)::text AS p FROM events'))
        .rows[0].p;
      await store.append([{ streamId: 'package-ra_1', expectedVersion: 0, events: [scaled(1)] }], ctx);
      await store.append(
        [{ streamId: 'package-raX1', expectedVersion: 0, events: [makeEvent('AppRemoved', { name: 'x' })] }],
        ctx,
      );
      await store.append([{ streamId: 'package-ra_2', expectedVersion: 0, events: [scaled(2), scaled(3)] }], ctx);

      const all = await store.readAll(start, 100);
      expect(all.map((e) => `${e.streamId}@${e.streamVersion}`)).toEqual([
        'package-ra_1@1',
        'package-raX1@1',
        'package-ra_2@1',
        'package-ra_2@2',
      ]);
      const page1 = await store.readAll(start, 2);
      const page2 = await store.readAll(page1[1].position, 2);
      expect([...page1, ...page2]).toEqual(all);

      expect((await store.readAll(start, 100, { types: ['AppRemoved'] })).map((e) => e.streamId)).toEqual([
        'package-raX1',
      ]);
      // '_' in a prefix is literal, not a LIKE wildcard.
      expect((await store.readAll(start, 100, { streamPrefix: 'package-ra_' })).map((e) => e.streamId)).toEqual([
        'package-ra_1',
        'package-ra_2',
        'package-ra_2',
      ]);
      expect((await store.readAll(start, 100, { streamIds: ['package-ra_2'] })).map((e) => e.streamVersion)).toEqual([
        1, 2,
      ]);
      expect(await store.readAll(start, 100, { streamPrefix: 'package-ra_', types: ['AppRemoved'] })).toEqual([]);
      expect(await store.streamIdsWithPrefix('package-ra_')).toEqual(['package-ra_1', 'package-ra_2']);
    });
  });

  describe('expected versions', () => {
    it('refuses a stale expected version and writes nothing', async () => {
      await store.append([{ streamId: 'app-stale', expectedVersion: 0, events: [scaled(1), scaled(2)] }], ctx);
      const err = await rejection(
        store.append([{ streamId: 'app-stale', expectedVersion: 1, events: [scaled(99)] }], ctx),
      );
      expect(err).toBeInstanceOf(WrongExpectedVersionError);
      expect(err).toMatchObject({ streamId: 'app-stale', expected: 1 });
      expect(toValues((await store.readStream('app-stale')).events)).toEqual([1, 2]);
    });

    it('refuses expected version 0 for a stream that exists, and a version for a stream that does not', async () => {
      await store.append([{ streamId: 'app-exists', expectedVersion: 0, events: [scaled(1)] }], ctx);
      expect(
        await rejection(store.append([{ streamId: 'app-exists', expectedVersion: 0, events: [scaled(2)] }], ctx)),
      ).toMatchObject({
        streamId: 'app-exists',
        expected: 0,
      });
      expect(
        await rejection(store.append([{ streamId: 'app-nope', expectedVersion: 3, events: [scaled(1)] }], ctx)),
      ).toBeInstanceOf(WrongExpectedVersionError);
      expect(
        await rejection(store.append([{ streamId: 'app-exists', expectedVersion: 2, events: [scaled(1)] }], ctx)),
      ).toBeInstanceOf(WrongExpectedVersionError);
      expect((await store.readStream('app-exists')).version).toBe(1);
      expect((await store.readStream('app-nope')).version).toBe(0);
    });

    it('writes nothing at all when one stream of a multi-stream append conflicts', async () => {
      await store.append([{ streamId: 'node-multi', expectedVersion: 0, events: [scaled(1)] }], ctx);
      const events = await count('SELECT count(*) AS n FROM events');
      const outbox = await count('SELECT count(*) AS n FROM outbox');
      const err = await rejection(
        store.append(
          [
            { streamId: 'app-multi-a', expectedVersion: 0, events: [scaled(1)] }, // would succeed alone
            { streamId: 'node-multi', expectedVersion: 0, events: [scaled(2)] }, // conflicts
            { streamId: 'instance-multi-z', expectedVersion: 'any', events: [scaled(3)] }, // would succeed alone
          ],
          ctx,
        ),
      );
      expect(err).toBeInstanceOf(WrongExpectedVersionError);
      expect((err as WrongExpectedVersionError).streamId).toBe('node-multi');
      expect(await count('SELECT count(*) AS n FROM events')).toBe(events);
      expect(await count('SELECT count(*) AS n FROM outbox')).toBe(outbox);
      expect(await store.streamIdsWithPrefix('app-multi-a')).toEqual([]);
      expect(await store.streamIdsWithPrefix('instance-multi-z')).toEqual([]);
      // The same append with the right version then succeeds for every stream.
      await store.append(
        [
          { streamId: 'app-multi-a', expectedVersion: 0, events: [scaled(1)] },
          { streamId: 'node-multi', expectedVersion: 1, events: [scaled(2)] },
          { streamId: 'instance-multi-z', expectedVersion: 'any', events: [scaled(3)] },
        ],
        ctx,
      );
      const m = await store.readStreams(['app-multi-a', 'node-multi', 'instance-multi-z']);
      expect([...m.values()].map((s) => s.version)).toEqual([1, 2, 1]);
    });

    it("'any' appends to new and existing streams without checking", async () => {
      await store.append([{ streamId: 'app-any', expectedVersion: 'any', events: [scaled(1)] }], ctx);
      await store.append([{ streamId: 'app-any', expectedVersion: 'any', events: [scaled(2), scaled(3)] }], ctx);
      await store.append([{ streamId: 'app-any', expectedVersion: 3, events: [scaled(4)] }], ctx);
      const s = await store.readStream('app-any');
      expect(s.events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
      expect(toValues(s.events)).toEqual([1, 2, 3, 4]);
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of many concurrent appends win each version', async () => {
      const streamId = 'app-race';
      const contenders = 20;
      for (let version = 0; version < 8; version++) {
        const results = await Promise.allSettled(
          Array.from({ length: contenders }, (_, i) =>
            store.append([{ streamId, expectedVersion: version, events: [scaled(version * 100 + i)] }], ctx),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(contenders - 1);
        for (const l of lost) expect(l.reason).toBeInstanceOf(WrongExpectedVersionError);
      }
      const s = await store.readStream(streamId);
      expect(s.events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      toValues(s.events).forEach((v, i) => expect(Math.floor(v / 100)).toBe(i));
    });

    it('keeps versions contiguous and loses nothing when writers retry on conflict', async () => {
      const streamId = 'node-retry';
      const writers = 10;
      const each = 8;
      let conflicts = 0;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let j = 0; j < each; j++) {
            for (;;) {
              const { version } = await store.readStream(streamId);
              try {
                await store.append([{ streamId, expectedVersion: version, events: [scaled(w * 1000 + j)] }], ctx);
                break;
              } catch (err) {
                if (!(err instanceof WrongExpectedVersionError)) throw err;
                conflicts++;
              }
            }
          }
        }),
      );
      const s = await store.readStream(streamId);
      expect(s.events.map((e) => e.streamVersion)).toEqual(Array.from({ length: writers * each }, (_, i) => i + 1));
      const values = toValues(s.events);
      expect(new Set(values).size).toBe(writers * each);
      // Each writer's own appends land in its order.
      for (let w = 0; w < writers; w++) {
        expect(values.filter((v) => Math.floor(v / 1000) === w)).toEqual(
          Array.from({ length: each }, (_, j) => w * 1000 + j),
        );
      }
      expect(conflicts).toBeGreaterThan(0);
    });

    it("gives concurrent 'any' appends contiguous, non-overlapping version ranges", async () => {
      const streamId = 'instance-any-race';
      const n = 25;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          store.append(
            [{ streamId, expectedVersion: 'any', events: [scaled(i * 10), scaled(i * 10 + 1), scaled(i * 10 + 2)] }],
            ctx,
          ),
        ),
      );
      const s = await store.readStream(streamId);
      expect(s.events.map((e) => e.streamVersion)).toEqual(Array.from({ length: n * 3 }, (_, i) => i + 1));
      const values = toValues(s.events);
      for (let k = 0; k < values.length; k += 3)
        expect(values.slice(k, k + 3)).toEqual([values[k], values[k] + 1, values[k] + 2]);
      expect(new Set(values).size).toBe(n * 3);
    });

    it('does not deadlock when multi-stream appends name the same streams in opposite orders', async () => {
      const a = `app-dl-${randomUUID()}`;
      const b = `node-dl-${randomUUID()}`;
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.append(
            i % 2 === 0
              ? [
                  { streamId: a, expectedVersion: 'any', events: [scaled(i)] },
                  { streamId: b, expectedVersion: 'any', events: [scaled(i)] },
                ]
              : [
                  { streamId: b, expectedVersion: 'any', events: [scaled(i)] },
                  { streamId: a, expectedVersion: 'any', events: [scaled(i)] },
                ],
            ctx,
          ),
        ),
      );
      const m = await store.readStreams([a, b]);
      expect(m.get(a)!.version).toBe(30);
      expect(m.get(b)!.version).toBe(30);
      // Both streams saw the appends in the same order: one transaction at a time.
      expect(toValues(m.get(a)!.events)).toEqual(toValues(m.get(b)!.events));
    });
  });

  describe('append-only log', () => {
    it('refuses to update an event', async () => {
      await store.append([{ streamId: 'app-immutable', expectedVersion: 0, events: [scaled(1)] }], ctx);
      await expect(
        db.pool.query(`UPDATE events SET data = '{}'::jsonb WHERE stream_id = 'app-immutable'`),
      ).rejects.toThrow(/append-only/);
      expect(toValues((await store.readStream('app-immutable')).events)).toEqual([1]);
    });

    it('refuses to delete an event', async () => {
      await expect(db.pool.query(`DELETE FROM events WHERE stream_id = 'app-immutable'`)).rejects.toThrow(
        /append-only/,
      );
      expect((await store.readStream('app-immutable')).version).toBe(1);
    });
  });
});
