import { AppSpec } from '@mammoth/domain';
import { AppEvent, makeEvent, streamIds } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, TestDatabase } from '@mammoth/event-store/testing/test-infra';
import { AppStates } from './app-states';

const pkg = {
  name: 'web',
  version: '1',
  digest: `sha256:${'ab'.repeat(32)}`,
  format: 'image' as const,
  imageRef: 'web:1',
};
const spec: AppSpec = {
  name: 'web',
  package: pkg,
  instances: 3,
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  env: {},
  constraints: [],
  strategy: 'spread',
};
const ctx = { correlationId: 'c', actor: 'test', timestamp: '2026-11-22T10:00:00.000Z' };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const placed = (n: number): AppEvent =>
  makeEvent('InstancePlaced', { app: 'web', instanceId: id(n), nodeId: 'n1', host: 'h', port: 20000 + n });
const web = streamIds.app('web');

describe('AppStates (real PostgreSQL): the scheduler reads only what it has not folded yet', () => {
  let db: TestDatabase;
  let store: PgEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
    await store.append(
      [{ streamId: web, expectedVersion: 0, events: [makeEvent('AppDeployed', spec), placed(1), placed(2)] }],
      ctx,
    );
  });
  afterAll(() => db?.drop());

  const live = (s: { state: { status: string; live?: ReadonlyMap<string, unknown> } }) =>
    [...(s.state.live?.keys() ?? [])].sort();

  it('folds on the events another writer appended, reading only the tail after the version it holds', async () => {
    const states = new AppStates(store);
    const first = (await states.load([web])).get(web)!;
    expect([first.version, live(first)]).toEqual([3, [id(1), id(2)]]);

    await store.append([{ streamId: web, expectedVersion: 3, events: [placed(3)] }], ctx);
    const tails = jest.spyOn(store, 'readStreamsAfter');
    const second = (await states.load([web])).get(web)!;
    expect([second.version, live(second)]).toEqual([4, [id(1), id(2), id(3)]]);
    expect([...tails.mock.calls[0][0]]).toEqual([[web, 3]]);
    expect((await tails.mock.results[0].value).get(web).events).toHaveLength(1);
    tails.mockRestore();
    // The state it handed out before is untouched by the later fold.
    expect(live(first)).toEqual([id(1), id(2)]);
  });

  it('takes what this process committed without reading it back, and ignores a commit made from a stale version', async () => {
    const states = new AppStates(store);
    const loaded = (await states.load([web])).get(web)!;
    const stop = makeEvent('InstanceStopRequested', {
      app: 'web',
      instanceId: id(1),
      nodeId: 'n1',
      reason: 'scaled down',
    }) as AppEvent;
    await store.append([{ streamId: web, expectedVersion: loaded.version, events: [stop] }], ctx);
    const after = {
      status: 'active',
      live: new Map([
        [id(2), {}],
        [id(3), {}],
      ]),
    } as never;
    states.committed(web, loaded, [stop], after);
    states.committed(web, { ...loaded, version: 1 }, [stop], { status: 'none' });
    const next = (await states.load([web])).get(web)!;
    expect([next.version, live(next)]).toEqual([loaded.version + 1, [id(2), id(3)]]);
  });

  it('an unknown app is version 0 with no state', async () => {
    const none = (await new AppStates(store).load([streamIds.app('nothing')])).get(streamIds.app('nothing'))!;
    expect([none.version, none.state.status]).toEqual([0, 'none']);
  });
});
