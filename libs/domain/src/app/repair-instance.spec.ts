import { AppEvent, HealthCheck, makeEvent } from '@mammoth/events';
import seedrandom from 'seedrandom';
import { foldInstance, initialInstanceState, InstanceState } from '../instance/instance';
import { uuidFrom } from '../testing/cluster';
import { spec } from '../testing/given-when-then';
import { candidate } from '../testing/scheduler';
import { AppState, evolveApp, initialAppState } from './app';
import { repairInstance } from './repair';
import { RepairBackoff, repairBackedOff } from './repair-backoff';

const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const CHECK: HealthCheck = {
  kind: 'tcp',
  intervalMs: 1000,
  timeoutMs: 500,
  gracePeriodMs: 0,
  unhealthyThreshold: 2,
  healthyThreshold: 1,
};
const BACKOFF: RepairBackoff = { baseMs: 10_000, maxMs: 60_000, resetAfterMs: 120_000 };
const T = Date.parse('2026-11-22T10:00:00.000Z');
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const NEW = '00000000-0000-4000-8009-000000000001';
const NODES = [candidate('n1'), candidate('n2')];
const REASON = 'unhealthy: connection refused';

const deployed = makeEvent('AppDeployed', {
  name: 'web',
  package: PKG,
  instances: 2,
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  env: {},
  constraints: [],
  strategy: 'spread',
  healthCheck: CHECK,
});
const placed = (instanceId: string, nodeId: string, port: number): AppEvent =>
  makeEvent('InstancePlaced', { app: 'web', instanceId, nodeId, host: `host-${nodeId}`, port, healthCheckKind: 'tcp' });
const stopped = (n: number, replacedBy: string): AppEvent =>
  makeEvent('InstanceStopRequested', { app: 'web', instanceId: id(n), nodeId: 'n1', reason: REASON, replacedBy });
/** running is web with instance 1 on n1 and instance 2 on n2. */
const running: AppEvent[] = [deployed, placed(id(1), 'n1', 20001), placed(id(2), 'n2', 20002)];
/** repaired is `running` after instance 1 was replaced at `at`, the `attempts`-th repair in a row. */
const repaired = (attempts: number, at: number): AppEvent[] => [
  ...running,
  stopped(1, NEW),
  placed(NEW, 'n2', 20000),
  repairBackedOff('web', REASON, attempts, at, BACKOFF),
];

const unhealthy: InstanceState = foldInstance(initialInstanceState(), [
  makeEvent('InstanceRunning', { instanceId: id(2), app: 'web', nodeId: 'n2', containerId: 'c2' }),
  makeEvent('InstanceHealthChanged', {
    instanceId: id(2),
    app: 'web',
    nodeId: 'n2',
    healthy: false,
    message: 'connection refused',
    containerId: 'c2',
  }),
]);

/** Repair is the command of these specs: repair one instance, in the given state, at a time. */
interface Repair {
  readonly instanceId: string;
  readonly instance: InstanceState;
  readonly now: number;
}
const decide = (cmd: Repair, state: AppState) =>
  repairInstance(state, cmd.instanceId, cmd.instance, NODES, {
    newInstanceId: uuidFrom(9),
    rng: seedrandom('repair'),
    now: cmd.now,
    backoff: BACKOFF,
  });
const repairs = spec({ initialState: initialAppState, evolve: evolveApp, decide: (c: Repair, s) => decide(c, s).app });
const fold = (events: AppEvent[]) => events.reduce(evolveApp, initialAppState());

describe("repairInstance: an app's repairs back off like Kubernetes' CrashLoopBackOff", () => {
  it("replaces an app's first unhealthy instance now and records the streak: the next repair waits the base delay", () => {
    repairs
      .given(running)
      .when({ instanceId: id(2), instance: unhealthy, now: T })
      .then([
        makeEvent('InstanceStopRequested', {
          app: 'web',
          instanceId: id(2),
          nodeId: 'n2',
          reason: REASON,
          replacedBy: NEW,
        }),
        placed(NEW, 'n1', 20000),
        makeEvent('AppRepairBackedOff', {
          name: 'web',
          reason: REASON,
          attempts: 1,
          at: '2026-11-22T10:00:00.000Z',
          nextAttemptAt: '2026-11-22T10:00:10.000Z',
        }),
      ]);
  });

  it('holds back a repair of another instance of the same app until the delay passed, writing nothing', () => {
    repairs
      .given(repaired(1, T))
      .when({ instanceId: id(2), instance: unhealthy, now: T + 9_999 })
      .then([]);
    expect(decide({ instanceId: id(2), instance: unhealthy, now: T + 9_999 }, fold(repaired(1, T)))).toMatchObject({
      retired: false,
      deferred: { attempts: 1, nextAttemptAt: T + 10_000 },
    });
  });

  it.each([
    ['once due, the second repair in a row waits twice the base', repaired(1, T), T + 10_000, 2, T + 30_000],
    ['the fourth waits no more than the maximum', repaired(3, T), T + 40_000, 4, T + 100_000],
    ['after a quiet reset period the count starts over', repaired(5, T), T + 120_000, 1, T + 130_000],
  ])('%s', (_name, history, now, attempts, next) => {
    const { app } = decide({ instanceId: id(2), instance: unhealthy, now }, fold(history));
    expect(app.map((e) => e.type)).toEqual(['InstanceStopRequested', 'InstancePlaced', 'AppRepairBackedOff']);
    expect(app[2].data).toMatchObject({ attempts, nextAttemptAt: new Date(next).toISOString() });
  });

  it('writes nothing for an instance already replaced, and says it left its app for good', () => {
    repairs
      .given(repaired(1, T))
      .when({ instanceId: id(1), instance: unhealthy, now: T + 60_000 })
      .then([]);
    expect(decide({ instanceId: id(1), instance: unhealthy, now: T + 60_000 }, fold(repaired(1, T)))).toMatchObject({
      retired: true,
      deferred: null,
    });
  });

  it('leaves a healthy instance alone whatever the streak', () => {
    const healthy = foldInstance(unhealthy, [
      makeEvent('InstanceHealthChanged', {
        instanceId: id(2),
        app: 'web',
        nodeId: 'n2',
        healthy: true,
        message: 'connected',
        containerId: 'c2',
      }),
    ]);
    repairs
      .given(repaired(1, T))
      .when({ instanceId: id(2), instance: healthy, now: T + 60_000 })
      .then([]);
  });

  it('starts a redeployed app without the streak of its earlier incarnation', () => {
    const again = [...repaired(4, T), makeEvent('AppRemoved', { name: 'web' }), ...running];
    const { app } = decide({ instanceId: id(2), instance: unhealthy, now: T + 1_000 }, fold(again));
    expect(app.at(-1)!.data).toMatchObject({ attempts: 1 });
  });
});
