import { AppEvent, makeEvent, PackageRef } from '@mammoth/events';
import seedrandom from 'seedrandom';
import { spec } from '../testing/given-when-then';
import { NodeCandidate } from '../scheduler/types';
import { AppSpec, AppState, decideApp, evolveApp, initialAppState } from './app';
import { Health, planRollout, RolloutOptions } from './rollout';

const decider = { initialState: initialAppState, evolve: evolveApp, decide: decideApp };
const pkg = (version: string): PackageRef => ({
  name: 'web',
  version,
  digest: `sha256:${version.repeat(64)}`,
  format: 'image',
  imageRef: `mammoth/web:${version}`,
});
const V1 = pkg('1');
const V2 = pkg('2');
const SHAPE = { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 };
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const appSpec = (over: Partial<AppSpec> = {}): AppSpec => ({
  name: 'web',
  package: V1,
  instances: 2,
  resources: SHAPE,
  env: {},
  constraints: [],
  strategy: 'spread',
  ...over,
});
const deployed = (over: Partial<AppSpec> = {}) => makeEvent('AppDeployed', appSpec(over));
const placed = (n: number, version?: string) =>
  makeEvent('InstancePlaced', {
    app: 'web',
    instanceId: uuid(n),
    nodeId: 'n1',
    host: '10.0.0.1',
    port: 20000 + n,
    ...(version ? { version } : {}),
  });
const started = (
  over: { maxSurge?: number; maxUnavailable?: number; canary?: { instances: number; weight: number } | null } = {},
) =>
  makeEvent('AppUpdateStarted', {
    name: 'web',
    from: V1,
    to: V2,
    maxSurge: 1,
    maxUnavailable: 0,
    canary: null,
    ...over,
  });
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const draining = (n: number, at = T0) =>
  makeEvent('InstanceDraining', { app: 'web', instanceId: uuid(n), nodeId: 'n1', at: new Date(at).toISOString() });

const node: NodeCandidate = {
  id: 'n1',
  address: '10.0.0.1',
  status: 'ready',
  capacity: { cpuMillis: 100_000, memoryMiB: 100_000, diskMiB: 100_000 },
  allocated: { cpuMillis: 0, memoryMiB: 0, diskMiB: 0 },
  usedPorts: new Set(),
  portRange: { from: 30000, to: 30099 },
  labels: {},
  appCounts: new Map(),
};
function opts(now = T0, drainMs = 1000): RolloutOptions {
  let n = 100;
  return { now, drainMs, rng: seedrandom('rollout'), newInstanceId: () => uuid(++n) };
}
const fold = (events: AppEvent[]): AppState => events.reduce(evolveApp, initialAppState());
const all = (h: Health) => () => h;
const types = (events: readonly AppEvent[]) => events.map((e) => e.type);

describe('app decider: UpdateApp, PromoteApp, RollbackApp', () => {
  it('starts an update with the defaults maxSurge 1, maxUnavailable 0', () => {
    spec(decider).given([deployed()]).when({ type: 'UpdateApp', name: 'web', package: V2 }).then([started()]);
  });
  it('starts a canary', () => {
    spec(decider)
      .given([deployed({ instances: 3 })])
      .when({ type: 'UpdateApp', name: 'web', package: V2, canary: { instances: 1, weight: 20 } })
      .then([started({ canary: { instances: 1, weight: 20 } })]);
  });
  it('writes nothing when the app already runs that version', () => {
    spec(decider).given([deployed()]).when({ type: 'UpdateApp', name: 'web', package: V1 }).then([]);
  });
  it.each([
    [{ maxSurge: 0, maxUnavailable: 0 }, 'maxSurge'],
    [{ maxSurge: -1 }, 'maxSurge'],
    [{ canary: { instances: 1, weight: 100 } }, 'canary.weight'],
    [{ canary: { instances: 3, weight: 20 } }, 'canary.instances'],
  ])('refuses %j', (over, field) => {
    spec(decider)
      .given([deployed()])
      .when({ type: 'UpdateApp', name: 'web', package: V2, ...over })
      .thenError('INVALID_ARGUMENT', field);
  });
  it('refuses an update of an unknown app, and a second update during a rollout', () => {
    spec(decider).given([]).when({ type: 'UpdateApp', name: 'web', package: V2 }).thenError('NOT_FOUND', 'name');
    spec(decider)
      .given([deployed(), started()])
      .when({ type: 'UpdateApp', name: 'web', package: pkg('3') })
      .thenError('CONFLICT', 'name');
  });
  it('promotes a canary, and refuses to promote without one', () => {
    spec(decider)
      .given([deployed(), started({ canary: { instances: 1, weight: 20 } })])
      .when({ type: 'PromoteApp', name: 'web' })
      .then([makeEvent('AppCanaryPromoted', { name: 'web', version: '2' })]);
    spec(decider)
      .given([deployed()])
      .when({ type: 'PromoteApp', name: 'web' })
      .thenError('FAILED_PRECONDITION', 'name');
    spec(decider)
      .given([deployed(), started()])
      .when({ type: 'PromoteApp', name: 'web' })
      .thenError('FAILED_PRECONDITION', 'name');
  });
  it('rolls back to the previous version, during a rollout or after it', () => {
    const back = makeEvent('AppRollbackStarted', { name: 'web', from: V2, to: V1, maxSurge: 1, maxUnavailable: 0 });
    spec(decider).given([deployed(), started()]).when({ type: 'RollbackApp', name: 'web' }).then([back]);
    spec(decider)
      .given([deployed(), started(), makeEvent('AppUpdateCompleted', { name: 'web', version: '2' })])
      .when({ type: 'RollbackApp', name: 'web' })
      .then([back]);
    spec(decider)
      .given([deployed()])
      .when({ type: 'RollbackApp', name: 'web' })
      .thenError('FAILED_PRECONDITION', 'name');
  });
  it('gives an instance placed without a version the version the app ran then', () => {
    const s = fold([deployed(), placed(1), started(), placed(2)]);
    expect(s.status !== 'none' && [...s.live.values()].map((i) => i.version)).toEqual(['1', '2']);
  });
});

describe('planRollout', () => {
  it('is scheduleApp without a rollout', () => {
    const r = planRollout(fold([deployed({ instances: 1 })]), all('healthy'), [node], opts());
    expect(types(r.app)).toEqual(['InstancePlaced']);
  });

  it('surges one new instance first and drains nothing while it is not healthy (maxUnavailable 0)', () => {
    const r = planRollout(fold([deployed(), placed(1), placed(2), started()]), all('healthy'), [node], opts());
    expect(types(r.app)).toEqual(['InstancePlaced']);
    const p = r.app[0];
    expect(p.type === 'InstancePlaced' && p.data.version).toBe('2');
    expect(r.nodes.get('n1')!.map((e) => e.type === 'InstanceAssigned' && e.data.package.version)).toEqual(['2']);
    const health = (id: string): Health => (id === uuid(3) ? 'unknown' : 'healthy');
    expect(
      planRollout(fold([deployed(), placed(1), placed(2), started(), placed(3, '2')]), health, [node], opts()).app,
    ).toEqual([]);
  });

  it('drains an old instance once the new one is healthy, and stops it only after the drain period', () => {
    const base = [deployed(), placed(1), placed(2), started(), placed(3, '2')];
    const r = planRollout(fold(base), all('healthy'), [node], opts());
    expect(types(r.app)).toEqual(['InstanceDraining']);
    const drained = [...base, draining(1)];
    expect(planRollout(fold(drained), all('healthy'), [node], opts(T0 + 999)).app).toEqual([]);
    const later = planRollout(fold(drained), all('healthy'), [node], opts(T0 + 1000));
    expect(types(later.app)).toEqual(['InstanceStopRequested', 'InstancePlaced']);
    const stop = later.app[0];
    expect(stop.type === 'InstanceStopRequested' && [stop.data.instanceId, stop.data.reason]).toEqual([
      uuid(1),
      'rolling update',
    ]);
    expect(later.nodes.get('n1')!.map((e) => e.type)).toEqual(['InstanceUnassigned', 'InstanceAssigned']);
  });

  it('never lets healthy instances fall below N − maxUnavailable, and drains unhealthy old ones first', () => {
    const base = [
      deployed({ instances: 3 }),
      placed(1),
      placed(2),
      placed(3),
      started({ maxSurge: 0, maxUnavailable: 1 }),
    ];
    const health = (id: string): Health => (id === uuid(2) ? 'unhealthy' : 'healthy');
    const r = planRollout(fold(base), health, [node], opts());
    // live 3 = N + 0 surge: nothing placed; instance 2 is unhealthy (not available) so it drains without cost; draining a
    // healthy one would leave 1 < N − U = 2 serving.
    expect(r.app.map((e) => e.type === 'InstanceDraining' && e.data.instanceId)).toEqual([uuid(2)]);
    const allHealthy = planRollout(fold(base), all('healthy'), [node], opts());
    expect(allHealthy.app.map((e) => e.type === 'InstanceDraining' && e.data.instanceId)).toEqual([uuid(1)]);
  });

  it('stops at canary.instances new instances until promoted, then completes', () => {
    const canary = { instances: 1, weight: 20 };
    const base = [
      deployed({ instances: 3 }),
      placed(1),
      placed(2),
      placed(3),
      started({ canary }),
      placed(4, '2'),
      draining(1),
    ];
    const r = planRollout(
      fold([
        ...base,
        makeEvent('InstanceStopRequested', { app: 'web', instanceId: uuid(1), nodeId: 'n1', reason: 'rolling update' }),
      ]),
      all('healthy'),
      [node],
      opts(),
    );
    expect(r.app).toEqual([]);
    const promoted = [...base, makeEvent('AppCanaryPromoted', { name: 'web', version: '2' })];
    expect(types(planRollout(fold(promoted), all('healthy'), [node], opts()).app)).toEqual([]);
  });

  it('completes when no old instance is left, and scales in the same step', () => {
    const stopped = (n: number) =>
      makeEvent('InstanceStopRequested', { app: 'web', instanceId: uuid(n), nodeId: 'n1', reason: 'rolling update' });
    const base = [
      deployed(),
      placed(1),
      placed(2),
      started(),
      placed(3, '2'),
      placed(4, '2'),
      draining(1),
      stopped(1),
      draining(2),
      stopped(2),
    ];
    expect(types(planRollout(fold(base), all('healthy'), [node], opts()).app)).toEqual(['AppUpdateCompleted']);
    const scaled = [...base, makeEvent('AppScaled', { name: 'web', from: 2, to: 3 })];
    const r = planRollout(fold(scaled), all('healthy'), [node], opts());
    expect(types(r.app)).toEqual(['AppUpdateCompleted', 'InstancePlaced']);
    expect(fold([...scaled, ...r.app]).status === 'active' && fold([...scaled, ...r.app])).toMatchObject({
      rollout: null,
      previous: V1,
    });
  });

  it('holds scheduleApp back during a rollout (surge instances are not scaled down)', () => {
    const r = planRollout(
      fold([deployed(), placed(1), placed(2), started(), placed(3, '2')]),
      all('unknown'),
      [node],
      opts(),
    );
    expect(r.app).toEqual([]);
  });
});
