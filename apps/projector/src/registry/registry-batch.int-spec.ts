import { PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, TestDatabase } from '@mammoth/event-store/testing/test-infra';
import { MammothEvent, RecordedEvent } from '@mammoth/events';
import { resetProjection } from '../runner/reset';
import { replayFromStore } from '../runner/store-replay';
import { withTransaction } from '../runner/tx';
import { snapshot, writeScenario } from '../testing/scenario';
import { registryProjection } from './registry.projection';

jest.setTimeout(60_000);

describe('registry projection, batched', () => {
  let db: TestDatabase;
  let events: RecordedEvent<MammothEvent>[];
  const handled = () => events.filter((e) => registryProjection.handles(e.event.type));
  const clear = () => db.pool.query(`TRUNCATE ${registryProjection.tables.map((t) => `"${t}"`).join(', ')}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PgEventStore(db.pool);
    await writeScenario(store);
    events = await store.readAll('0', 1000);
  });

  afterAll(() => db?.drop());

  it('leaves the same rows as applying each event in turn, whatever the batch boundaries', async () => {
    await withTransaction(db.pool, async (tx) => {
      for (const e of handled()) await registryProjection.apply(tx, e);
    });
    const oneByOne = await snapshot(db.pool);
    expect(oneByOne.rm_instances.length).toBeGreaterThan(0);

    for (const size of [1, 2, 3, 5, 1000]) {
      await clear();
      const all = handled();
      for (let i = 0; i < all.length; i += size) {
        await withTransaction(db.pool, (tx) => registryProjection.applyBatch!(tx, all.slice(i, i + size)));
      }
      expect({ size, tables: await snapshot(db.pool) }).toEqual({ size, tables: oneByOne });
    }
  });

  it('applies a batch on top of the rows an earlier batch wrote, as one event at a time would', async () => {
    await clear();
    const all = handled();
    const half = Math.floor(all.length / 2);
    await withTransaction(db.pool, (tx) => registryProjection.applyBatch!(tx, all.slice(0, half)));
    await withTransaction(db.pool, (tx) => registryProjection.applyBatch!(tx, all.slice(half)));
    const batched = await snapshot(db.pool);
    await clear();
    await withTransaction(db.pool, async (tx) => {
      for (const e of all) await registryProjection.apply(tx, e);
    });
    expect(batched).toEqual(await snapshot(db.pool));
  });

  it('replays the store in pages of any size, across positions of more digits, to the rows of one event at a time', async () => {
    await clear();
    await withTransaction(db.pool, async (tx) => {
      for (const e of handled()) await registryProjection.apply(tx, e);
    });
    const oneByOne = await snapshot(db.pool);
    const last = BigInt(events[events.length - 1].position);
    expect(last).toBeGreaterThan(10n); // pages then cross from one-digit to two-digit positions

    for (const size of [1, 3, 7, 1000]) {
      await resetProjection(db.pool, registryProjection);
      const replayed = await replayFromStore(db.pool, registryProjection, last, size);
      expect({ size, applied: replayed.applied, parked: replayed.parked }).toEqual({
        size,
        applied: events.length,
        parked: [],
      });
      expect({ size, tables: await snapshot(db.pool) }).toEqual({ size, tables: oneByOne });
    }
  });
});
