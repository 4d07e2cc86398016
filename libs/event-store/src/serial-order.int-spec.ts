import fc from 'fast-check';
import { makeEvent } from '@mammoth/events';
import { WrongExpectedVersionError } from './errors';
import { AppendContext, PgEventStore, StreamWrite } from './event-store';
import { createTestDatabase, TestDatabase } from './testing/test-infra';

jest.setTimeout(180_000);

const ctx: AppendContext = { correlationId: 'c', actor: 'tester', timestamp: '2024-11-22T10:00:00.000Z' };
const STREAMS = ['a', 'b', 'c'];

/** A generated command: its writes (stream index, expected version, event count), its store and the wave it is sent in. */
interface Spec {
  writes: { stream: number; expected: number | 'any'; n: number }[];
  store: number;
  wave: number;
}

const spec: fc.Arbitrary<Spec> = fc.record({
  writes: fc.uniqueArray(
    fc.record({
      stream: fc.integer({ min: 0, max: STREAMS.length - 1 }),
      expected: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant('any' as const)),
      n: fc.integer({ min: 1, max: 2 }),
    }),
    { minLength: 1, maxLength: 2, selector: (w) => w.stream },
  ),
  store: fc.integer({ min: 0, max: 1 }),
  wave: fc.integer({ min: 0, max: 2 }),
});

describe('group commit against a serial order (real PostgreSQL, property)', () => {
  let db: TestDatabase;
  let stores: PgEventStore[];
  let run = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Two stores on one database stand for two processes: their batches meet only in PostgreSQL's locks.
    stores = [new PgEventStore(db.pool), new PgEventStore(db.pool)];
  });
  afterAll(() => db?.drop());

  it('commits concurrent appends as some serial order of the successful ones; a failed one conflicts in that order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 8 }), async (specs) => {
        const prefix = `app-p${run++}-`;
        const streamId = (i: number) => prefix + STREAMS[i];
        // Each call is settled as it is made, so a rejection before the last wave is sent is not left unhandled.
        const calls: Promise<PromiseSettledResult<{ positions: string[] }>>[] = [];
        for (let wave = 0; wave < 3; wave++) {
          specs.forEach((s, k) => {
            if (s.wave !== wave) return;
            const writes: StreamWrite[] = s.writes.map((w, j) => ({
              streamId: streamId(w.stream),
              expectedVersion: w.expected,
              events: Array.from({ length: w.n }, (_, e) =>
                makeEvent('AppScaled', { name: 'p', from: 0, to: k * 100 + j * 10 + e }),
              ),
            }));
            calls[k] = Promise.allSettled([stores[s.store].append(writes, ctx)]).then(([r]) => r);
          });
          await new Promise((r) => setImmediate(r));
        }
        const results = await Promise.all(calls);
        const log = await db.pool.query<{ position: string; stream_id: string; stream_version: number; to: number }>(
          `SELECT position::text, stream_id, stream_version, (data->>'to')::int AS to
             FROM events e WHERE stream_id LIKE $1 ORDER BY e.position`,
          [`${prefix}%`],
        );
        const outbox = await db.pool.query<{ position: string }>(
          `SELECT o.position::text FROM outbox o JOIN events e USING (position) WHERE e.stream_id LIKE $1 ORDER BY 1`,
          [`${prefix}%`],
        );
        expect(outbox.rows.map((r) => r.position).sort()).toEqual(log.rows.map((r) => r.position).sort());

        const ok = specs.map((_, k) => results[k].status === 'fulfilled');
        for (const r of results)
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
        // Exactly the successful commands' events are in the log, each where its caller was told.
        const owner = (to: number) => Math.floor(to / 100);
        expect(log.rows.every((r) => ok[owner(r.to)])).toBe(true);
        specs.forEach((s, k) => {
          if (!ok[k]) return;
          const mine = log.rows.filter((r) => owner(r.to) === k);
          expect(mine).toHaveLength(s.writes.reduce((n, w) => n + w.n, 0));
          expect(mine.map((r) => r.position)).toEqual(
            (results[k] as PromiseFulfilledResult<{ positions: string[] }>).value.positions,
          );
        });
        // Replayed in commit (position) order, every successful command met its expected versions.
        const order = specs
          .map((_, k) => k)
          .filter((k) => ok[k])
          .sort((x, y) => minPosition(log.rows, owner, x) - minPosition(log.rows, owner, y));
        const version = STREAMS.map(() => 0);
        const states = [[...version]];
        for (const k of order) {
          specs[k].writes.forEach((w, j) => {
            if (w.expected !== 'any') expect(w.expected).toBe(version[w.stream]);
            const got = log.rows.filter((r) => owner(r.to) === k && Math.floor((r.to % 100) / 10) === j);
            expect(got.map((r) => [r.stream_id, r.stream_version])).toEqual(
              Array.from({ length: w.n }, (_, e) => [streamId(w.stream), version[w.stream] + e + 1]),
            );
            version[w.stream] += w.n;
          });
          states.push([...version]);
        }
        // A failed command conflicts with the log at some point of that order (so one that expects nothing never fails).
        specs.forEach((s, k) => {
          if (ok[k]) return;
          const conflicts = (state: number[]) =>
            s.writes.some((w) => w.expected !== 'any' && w.expected !== state[w.stream]);
          expect(states.some(conflicts)).toBe(true);
        });
      }),
      { numRuns: 20 },
    );
  });
});

function minPosition(rows: { position: string; to: number }[], owner: (to: number) => number, k: number): number {
  return Math.min(...rows.filter((r) => owner(r.to) === k).map((r) => Number(r.position)));
}
