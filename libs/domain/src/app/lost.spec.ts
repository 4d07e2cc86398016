import { makeEvent, NodeEvent, Resources } from '@mammoth/events';
import seedrandom from 'seedrandom';
import { spec } from '../testing/given-when-then';
import { candidate } from '../testing/scheduler';
import { NodeCandidate } from '../scheduler/types';
import { AppSpec, AppState, evolveApp, initialAppState } from './app';
import { ReplaceLostInstances, replaceLostInstances } from './lost';

const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const SHAPE: Resources = { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 0 };
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const NEW1 = '00000000-0000-4000-9000-000000000001';
const NEW2 = '00000000-0000-4000-9000-000000000002';
const REASON = 'no heartbeat for 6.0 s (limit 5.0 s)';

const appSpec = (instances: number): AppSpec => ({
  name: 'web',
  package: PKG,
  instances,
  resources: SHAPE,
  env: {},
  constraints: [],
  strategy: 'spread',
});
const deployed = (instances: number) => makeEvent('AppDeployed', appSpec(instances));
const placed = (n: number, nodeId: string) =>
  makeEvent('InstancePlaced', { app: 'web', instanceId: uuid(n), nodeId, host: `host-${nodeId}`, port: 20000 + n });
const lostEvent = (n: number, replacedBy: string | null, nodeId = 'n1') =>
  makeEvent('InstanceLost', {
    app: 'web',
    instanceId: uuid(n),
    nodeId,
    reason: `node ${nodeId} lost: ${REASON}`,
    replacedBy,
  });
const placedNew = (instanceId: string, nodeId: string, port: number) =>
  makeEvent('InstancePlaced', { app: 'web', instanceId, nodeId, host: `host-${nodeId}`, port });

/** decider runs replaceLostInstances over a fixed cluster and records the node events of its last decision. */
function decider(nodes: NodeCandidate[]) {
  const last: { nodes: Map<string, NodeEvent[]> } = { nodes: new Map() };
  const d = {
    initialState: initialAppState,
    evolve: evolveApp,
    decide: (cmd: ReplaceLostInstances, state: AppState) => {
      let n = 0;
      const r = replaceLostInstances(state, cmd, nodes, {
        rng: seedrandom('lost'),
        newInstanceId: () => [NEW1, NEW2][n++],
      });
      last.nodes = r.nodes;
      return r.app;
    },
  };
  return { d, last };
}

const cmd: ReplaceLostInstances = { type: 'ReplaceLostInstances', lost: [{ nodeId: 'n1', reason: REASON }] };
const lostNode = candidate('n1', {
  status: 'lost',
  allocated: { cpuMillis: 2000, memoryMiB: 2048, diskMiB: 0 },
  usedPorts: new Set([20001, 20002]),
});

describe('replaceLostInstances', () => {
  it('marks each instance on the lost node lost, naming its replacement placed on another node in the same decision', () => {
    const { d, last } = decider([lostNode, candidate('n2')]);
    spec(d)
      .given([deployed(3), placed(1, 'n1'), placed(2, 'n1'), placed(3, 'n2')])
      .when(cmd)
      .then([lostEvent(1, NEW1), lostEvent(2, NEW2), placedNew(NEW1, 'n2', 20000), placedNew(NEW2, 'n2', 20001)]);
    expect([...last.nodes.keys()]).toEqual(['n2']);
    expect(last.nodes.get('n2')!.map((e) => e.type)).toEqual(['InstanceAssigned', 'InstanceAssigned']);
  });

  it('marks instances lost even when nothing can take them: they are pending, with the reasons, and name no replacement', () => {
    const { d, last } = decider([lostNode]);
    spec(d)
      .given([deployed(1), placed(1, 'n1')])
      .when(cmd)
      .then([
        lostEvent(1, null),
        makeEvent('InstancesPending', { app: 'web', count: 1, reasons: [{ reason: 'node not ready', nodes: 1 }] }),
      ]);
    expect(last.nodes.size).toBe(0);
  });

  it('writes nothing for an app with nothing on the node, or once its instances there are already marked lost (idempotent)', () => {
    const { d } = decider([lostNode, candidate('n2')]);
    spec(d)
      .given([deployed(1), placed(3, 'n2')])
      .when(cmd)
      .then([]);
    spec(d)
      .given([deployed(1), placed(1, 'n1'), lostEvent(1, NEW1), placedNew(NEW1, 'n2', 20000)])
      .when(cmd)
      .then([]);
    spec(d).given([]).when(cmd).then([]);
  });

  it('replaces the instances of several lost nodes in one decision, each InstanceLost naming its own node and reason', () => {
    const lost2 = candidate('n3', {
      status: 'lost',
      allocated: { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 0 },
      usedPorts: new Set([20003]),
    });
    const { d, last } = decider([lostNode, lost2, candidate('n2')]);
    const both: ReplaceLostInstances = {
      type: 'ReplaceLostInstances',
      lost: [
        { nodeId: 'n1', reason: REASON },
        { nodeId: 'n3', reason: 'gone' },
      ],
    };
    spec(d)
      .given([deployed(3), placed(1, 'n1'), placed(2, 'n2'), placed(3, 'n3')])
      .when(both)
      .then([
        lostEvent(1, NEW1),
        makeEvent('InstanceLost', {
          app: 'web',
          instanceId: uuid(3),
          nodeId: 'n3',
          reason: 'node n3 lost: gone',
          replacedBy: NEW2,
        }),
        placedNew(NEW1, 'n2', 20000),
        placedNew(NEW2, 'n2', 20001),
      ]);
    expect([...last.nodes.keys()]).toEqual(['n2']);
  });

  it('takes the lost instance out of the live set when folded', () => {
    const s = [deployed(1), placed(1, 'n1'), lostEvent(1, null)].reduce<AppState>(
      (st, e) => evolveApp(st, e),
      initialAppState(),
    );
    expect(s.status === 'active' && s.live.size).toBe(0);
  });
});
