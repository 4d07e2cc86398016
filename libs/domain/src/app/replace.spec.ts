import { HealthCheck, makeEvent, NodeEvent, Resources } from '@mammoth/events';
import seedrandom from 'seedrandom';
import { spec } from '../testing/given-when-then';
import { candidate } from '../testing/scheduler';
import { NodeCandidate } from '../scheduler/types';
import { AppSpec, AppState, evolveApp, initialAppState } from './app';
import { ReplaceInstance, replaceInstance } from './replace';

const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const SHAPE: Resources = { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 0 };
const CHECK: HealthCheck = {
  kind: 'http',
  path: '/healthz',
  expectedStatus: 200,
  intervalMs: 1000,
  timeoutMs: 500,
  gracePeriodMs: 0,
  unhealthyThreshold: 2,
  healthyThreshold: 1,
};
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const NEW = '00000000-0000-4000-9000-000000000001';
const REASON = 'unhealthy: HTTP 404 from /healthz (expected 200)';

const appSpec = (instances: number): AppSpec => ({
  name: 'web',
  package: PKG,
  instances,
  resources: SHAPE,
  env: {},
  constraints: [],
  strategy: 'spread',
  healthCheck: CHECK,
});
const deployed = (instances: number) => makeEvent('AppDeployed', appSpec(instances));
const placed = (n: number, nodeId: string, port = 20000 + n) =>
  makeEvent('InstancePlaced', {
    app: 'web',
    instanceId: uuid(n),
    nodeId,
    host: `host-${nodeId}`,
    port,
    healthCheckKind: 'http' as const,
  });
const stopped = (n: number, nodeId: string, replacedBy: string | null, reason = REASON) =>
  makeEvent('InstanceStopRequested', { app: 'web', instanceId: uuid(n), nodeId, reason, replacedBy });
const placedNew = (nodeId: string, port: number) =>
  makeEvent('InstancePlaced', {
    app: 'web',
    instanceId: NEW,
    nodeId,
    host: `host-${nodeId}`,
    port,
    healthCheckKind: 'http' as const,
  });
const unassigned = (n: number, reason = REASON): NodeEvent =>
  makeEvent('InstanceUnassigned', { instanceId: uuid(n), app: 'web', reason });
const assigned = (port: number): NodeEvent =>
  makeEvent('InstanceAssigned', {
    instanceId: NEW,
    app: 'web',
    package: PKG,
    resources: SHAPE,
    port,
    env: {},
    healthCheck: CHECK,
  });

/** node is a candidate already running `web` instance n on `port`, with its resources and port taken. */
const node = (id: string, over: Partial<NodeCandidate> = {}, running: number[] = []) =>
  candidate(id, {
    allocated: { cpuMillis: SHAPE.cpuMillis * running.length, memoryMiB: SHAPE.memoryMiB * running.length, diskMiB: 0 },
    usedPorts: new Set(running.map((n) => 20000 + n)),
    appCounts: new Map(running.length ? [['web', running.length]] : []),
    ...over,
  });

/** decider runs replaceInstance over a fixed cluster and keeps the node events of its last decision. */
function decider(nodes: NodeCandidate[]) {
  const last: { nodes: Map<string, NodeEvent[]> } = { nodes: new Map() };
  const d = {
    initialState: initialAppState,
    evolve: evolveApp,
    decide: (cmd: ReplaceInstance, state: AppState) => {
      const r = replaceInstance(state, cmd, nodes, { rng: seedrandom('replace'), newInstanceId: () => NEW });
      last.nodes = r.nodes;
      return r.app;
    },
  };
  return { d, last };
}

const replace = (n: number, avoidNode = true, reason = REASON): ReplaceInstance => ({
  type: 'ReplaceInstance',
  instanceId: uuid(n),
  reason,
  avoidNode,
});

describe('replaceInstance', () => {
  it('stops the instance, naming its replacement, and places the replacement on another node in the same decision', () => {
    const { d, last } = decider([node('n1', {}, [1]), node('n2')]);
    spec(d)
      .given([deployed(1), placed(1, 'n1')])
      .when(replace(1))
      .then([stopped(1, 'n1', NEW), placedNew('n2', 20000)]);
    expect(last.nodes).toEqual(
      new Map([
        ['n1', [unassigned(1)]],
        ['n2', [assigned(20000)]],
      ]),
    );
  });

  it('avoids the node even when it is the emptier one', () => {
    const busy = node('n2', { allocated: { cpuMillis: 3000, memoryMiB: 3072, diskMiB: 0 } });
    const { d } = decider([node('n1', {}, [1]), busy]);
    spec(d)
      .given([deployed(1), placed(1, 'n1')])
      .when(replace(1))
      .then([stopped(1, 'n1', NEW), placedNew('n2', 20000)]);
  });

  it('falls back to the same node when no other can take it, counting the stopped instance as gone but not its port', () => {
    const full = node('n1', { capacity: SHAPE }, [1]);
    const { d, last } = decider([full, node('n2', { status: 'lost' })]);
    spec(d)
      .given([deployed(1), placed(1, 'n1')])
      .when(replace(1))
      .then([stopped(1, 'n1', NEW), placedNew('n1', 20000)]);
    expect(last.nodes.get('n1')).toEqual([unassigned(1), assigned(20000)]);
  });

  it('places anywhere without avoidNode: the least allocated node wins, which may be its own', () => {
    const busy = node('n2', { allocated: { cpuMillis: 3000, memoryMiB: 3072, diskMiB: 0 } });
    const { d } = decider([node('n1', {}, [1]), busy]);
    spec(d)
      .given([deployed(1), placed(1, 'n1')])
      .when(replace(1, false))
      .then([stopped(1, 'n1', NEW), placedNew('n1', 20000)]);
  });

  it('still stops the instance when no replacement fits anywhere: it is pending, with the reasons', () => {
    const { d, last } = decider([node('n1', { status: 'lost' }, [1])]);
    spec(d)
      .given([deployed(1), placed(1, 'n1')])
      .when(replace(1))
      .then([
        stopped(1, 'n1', null),
        makeEvent('InstancesPending', { app: 'web', count: 1, reasons: [{ reason: 'node not ready', nodes: 1 }] }),
      ]);
    expect(last.nodes).toEqual(new Map([['n1', [unassigned(1)]]]));
  });

  it('does nothing for an instance that is no longer live: already replaced, stopped by a scale-down, or its app removed', () => {
    const { d, last } = decider([node('n1', {}, [1]), node('n2')]);
    spec(d)
      .given([deployed(1), placed(1, 'n1'), stopped(1, 'n1', NEW), placedNew('n2', 20000)])
      .when(replace(1))
      .then([]);
    spec(d)
      .given([deployed(1), placed(1, 'n1'), makeEvent('AppRemoved', { name: 'web' })])
      .when(replace(1))
      .then([]);
    spec(d).given([]).when(replace(1)).then([]);
    expect(last.nodes.size).toBe(0);
  });

  it('leaves the other instances alone', () => {
    const { d } = decider([node('n1', {}, [1, 2]), node('n2')]);
    spec(d)
      .given([deployed(2), placed(1, 'n1'), placed(2, 'n1')])
      .when(replace(2))
      .then([stopped(2, 'n1', NEW), placedNew('n2', 20000)]);
  });
});
