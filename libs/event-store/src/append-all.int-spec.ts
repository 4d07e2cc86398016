import { DomainEvent, makeEvent } from '@mammoth/events';
import { WrongExpectedVersionError } from './errors';
import { AppendContext, PgEventStore } from './event-store';
import { createTestDatabase, TestDatabase } from './testing/test-infra';

jest.setTimeout(60_000);

const ctx = (correlationId: string, actor = 'tester'): AppendContext => ({
  correlationId,
  actor,
  timestamp: '2024-11-22T10:00:00.000Z',
});
const scaled = (to: number): DomainEvent => makeEvent('AppScaled', { name: 'web', from: 0, to });

describe('PgEventStore.appendAll and readHeads (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const count = async (sql: string) => Number((await db.pool.query<{ n: string }>(sql)).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
  });
  afterAll(() => db?.drop());

  it('commits several commands at once, chaining writes to a shared stream, each event with its own command metadata', async () => {
    const { positions } = await store.appendAll([
      {
        writes: [
          { streamId: 'app-a', expectedVersion: 0, events: [scaled(1)] },
          { streamId: 'node-n1', expectedVersion: 0, events: [scaled(2), scaled(3)] },
        ],
        ctx: ctx('c1'),
      },
      {
        writes: [
          { streamId: 'app-b', expectedVersion: 0, events: [scaled(4)] },
          { streamId: 'node-n1', expectedVersion: 2, events: [scaled(5)], actor: 'node:n1' },
        ],
        ctx: ctx('c2'),
      },
    ]);
    expect(positions).toHaveLength(5);
    expect(positions.map(Number)).toEqual([...positions.map(Number)].sort((a, b) => a - b));
    const n1 = await store.readStream('node-n1');
    expect(
      n1.events.map((e) => [
        e.streamVersion,
        (e.event.data as { to: number }).to,
        e.metadata.correlationId,
        e.metadata.actor,
      ]),
    ).toEqual([
      [1, 2, 'c1', 'tester'],
      [2, 3, 'c1', 'tester'],
      [3, 5, 'c2', 'node:n1'],
    ]);
    expect((await store.readStream('app-b')).events[0].metadata.correlationId).toBe('c2');
    expect(await count('SELECT count(*) AS n FROM outbox')).toBe(5);
  });

  it('refuses writes to one stream that do not follow each other, and a conflict anywhere writes nothing', async () => {
    const before = await count('SELECT count(*) AS n FROM events');
    await expect(
      store.appendAll([
        { writes: [{ streamId: 'app-c', expectedVersion: 0, events: [scaled(1)] }], ctx: ctx('x') },
        { writes: [{ streamId: 'app-c', expectedVersion: 0, events: [scaled(2)] }], ctx: ctx('y') },
      ]),
    ).rejects.toThrow(/do not follow each other/);
    await expect(
      store.appendAll([
        { writes: [{ streamId: 'app-d', expectedVersion: 0, events: [scaled(1)] }], ctx: ctx('x') },
        { writes: [{ streamId: 'node-n1', expectedVersion: 1, events: [scaled(2)] }], ctx: ctx('y') },
      ]),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await count('SELECT count(*) AS n FROM events')).toBe(before);
    expect((await store.readStream('app-d')).version).toBe(0);
  });

  it('readHeads lists where events sit without their data, and readAt loads exactly the positions asked for', async () => {
    const heads = await store.readHeads('0', 100, { streamPrefix: 'node-' });
    expect(heads.map((h) => [h.streamId, h.streamVersion])).toEqual([
      ['node-n1', 1],
      ['node-n1', 2],
      ['node-n1', 3],
    ]);
    const events = await store.readAt([heads[2].position, heads[0].position]);
    expect(events.map((e) => e.streamVersion)).toEqual([1, 3]);
    expect(await store.readAt([])).toEqual([]);
  });
});
