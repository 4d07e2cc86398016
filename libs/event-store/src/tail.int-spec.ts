import { makeEvent } from '@mammoth/events';
import { AppendContext, PgEventStore } from './event-store';
import { createTestDatabase, TestDatabase } from './testing/test-infra';
import { appendRaw } from './testing/raw-append';

const ctx = (t: number): AppendContext => ({
  correlationId: `c${t}`,
  actor: 'tester',
  timestamp: new Date(Date.UTC(2024, 0, 1) + t * 1000).toISOString(),
});
const pending = (app: string) =>
  makeEvent('InstancesPending', { app, count: 1, reasons: [{ reason: 'cpu', nodes: 1 }] });
const scaled = (name: string) => makeEvent('AppScaled', { name, from: 1, to: 2 });

describe('PgEventStore: following the log (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PgEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('head is 0 on an empty log, then the last position', async () => {
    expect(await store.head()).toBe('0');
    expect(await store.lastPosition(['AppScaled'])).toBe('0');
    const { positions } = await store.append(
      [{ streamId: 'app-a', expectedVersion: 'any', events: [pending('a'), scaled('a')] }],
      ctx(1),
    );
    expect(await store.head()).toBe(positions[1]);
  });

  it('tail lists only the given types after a position, oldest first, at most `limit`', async () => {
    const start = await store.head();
    await store.append([{ streamId: 'app-b', expectedVersion: 'any', events: [pending('b')] }], ctx(2));
    await store.append([{ streamId: 'app-c', expectedVersion: 'any', events: [scaled('c'), pending('c')] }], ctx(3));
    const { events: tail, position, more } = await store.tail(start, ['InstancesPending']);
    expect(tail.map((e) => [e.streamId, e.event.type])).toEqual([
      ['app-b', 'InstancesPending'],
      ['app-c', 'InstancesPending'],
    ]);
    expect([position, more]).toEqual([tail[1].position, false]);
    const first = await store.tail(start, ['InstancesPending'], 1);
    expect([first.events.length, first.more]).toEqual([1, true]);
    expect(await store.tail(tail[1].position, ['InstancesPending'])).toEqual({
      events: [],
      position: tail[1].position,
      more: false,
    });
    expect(await store.lastPosition(['AppScaled', 'NodeRegistered'])).toBe(String(BigInt(tail[1].position) - 1n));
    expect(await store.countAfter(start, { types: ['InstancesPending'] })).toBe(2);
    expect(await store.countAfter(start, { streamPrefix: 'app-c' })).toBe(2);
    expect(await store.countAfter(tail[1].position)).toBe(0);
  });

  it('latestPerStream gives each stream its newest event of the types, unless a later one clears it, or older than `since`', async () => {
    // a: pending then scaled (cleared); b: pending; c: scaled then pending (pending again).
    const latest = await store.latestPerStream(['InstancesPending'], { notFollowedBy: ['AppScaled'] });
    expect(latest.map((e) => e.streamId)).toEqual(['app-b', 'app-c']);
    expect((await store.latestPerStream(['InstancesPending'])).map((e) => e.streamId)).toEqual([
      'app-a',
      'app-b',
      'app-c',
    ]);
    // `since` compares the time the log recorded the event (its commit), not the time the command carried.
    const since = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await store.append([{ streamId: 'app-d', expectedVersion: 'any', events: [pending('d')] }], ctx(4));
    expect((await store.latestPerStream(['InstancesPending'], { since })).map((e) => e.streamId)).toEqual(['app-d']);
  });

  it('an event the reader cannot parse fails tail and latestPerStream, or is reported and skipped with onInvalid', async () => {
    const start = await store.head();
    const bad = await appendRaw(db.pool, {
      streamId: 'app-e',
      type: 'InstancesPending',
      schemaVersion: 99,
      data: { app: 'e' },
    });
    await store.append([{ streamId: 'app-f', expectedVersion: 'any', events: [pending('f')] }], ctx(5));
    await expect(store.tail(start, ['InstancesPending'])).rejects.toThrow();
    await expect(store.latestPerStream(['InstancesPending'], { since: new Date(0) })).rejects.toThrow();
    const reported: string[] = [];
    const onInvalid = (head: { position: string }) => reported.push(head.position);
    const page = await store.tail(start, ['InstancesPending'], 1000, onInvalid);
    expect(page.events.map((e) => e.streamId)).toEqual(['app-f']);
    expect(page.position).toBe(page.events[0].position);
    // A page whose only event is invalid still moves past it.
    expect((await store.tail(start, ['InstancesPending'], 1, onInvalid)).position).toBe(bad);
    const latest = await store.latestPerStream(['InstancesPending'], {}, onInvalid);
    expect(latest.map((e) => e.streamId)).not.toContain('app-e');
    expect(latest.map((e) => e.streamId)).toContain('app-f');
    expect(reported).toEqual([bad, bad, bad]);
  });
});
