import { makeEvent, NodeEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { toCandidate } from './candidate';
import { decideLiveness, LivenessCommand } from './liveness';
import { decideNode, evolveNode, initialNodeState, NodeInfo, NodeState } from './node';

const liveness = { initialState: initialNodeState, evolve: evolveNode, decide: decideLiveness };
const registration = { initialState: initialNodeState, evolve: evolveNode, decide: decideNode };
const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const ID1 = '00000000-0000-4000-8000-000000000001';
const ID2 = '00000000-0000-4000-8000-000000000002';
const T0 = '2024-01-01T00:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();

const INFO: NodeInfo = {
  nodeId: 'n1',
  hostname: 'host-1',
  address: '127.0.0.1',
  capacity: { cpuMillis: 4000, memoryMiB: 8192, diskMiB: 0 },
  portRange: { from: 20000, to: 20099 },
  labels: {},
  driver: 'docker',
};
const registered = makeEvent('NodeRegistered', INFO);
const assigned = (instanceId: string, port: number, app = 'web') =>
  makeEvent('InstanceAssigned', {
    instanceId,
    app,
    package: PKG,
    resources: { cpuMillis: 500, memoryMiB: 256, diskMiB: 0 },
    port,
    env: {},
  });
const unassigned = (instanceId: string) =>
  makeEvent('InstanceUnassigned', { instanceId, app: 'web', reason: 'scaled down' });
const markLost = (over: Partial<Extract<LivenessCommand, { type: 'MarkNodeLost' }>> = {}): LivenessCommand => ({
  type: 'MarkNodeLost',
  at: at(10),
  lastSeen: at(4),
  since: at(0),
  lostAfterMs: 5000,
  ...over,
});
const lost = makeEvent('NodeLost', {
  nodeId: 'n1',
  at: at(10),
  lastSeen: at(4),
  reason: 'no heartbeat for 6.0 s (limit 5.0 s)',
});
const recovered = makeEvent('NodeRecovered', {
  nodeId: 'n1',
  at: at(20),
  reason: 'heartbeat received again after 9.5 s lost',
});

function fold(events: NodeEvent[]): Extract<NodeState, { status: 'registered' }> {
  const s = events.reduce(evolveNode, initialNodeState());
  if (s.status !== 'registered') throw new Error('node not registered');
  return s;
}

describe('node liveness decider', () => {
  it('declares a ready node lost, saying how long it was silent and the limit', () => {
    spec(liveness).given([registered]).when(markLost()).then([lost]);
  });

  it('says the detector never heard the node when there is no last heartbeat', () => {
    spec(liveness)
      .given([registered])
      .when(markLost({ lastSeen: null }))
      .then([
        makeEvent('NodeLost', {
          nodeId: 'n1',
          at: at(10),
          lastSeen: null,
          reason: 'no heartbeat in the 10.0 s since the failure detector started watching (limit 5.0 s)',
        }),
      ]);
  });

  it('says a node that still heartbeats is not ready, and why, when its container runtime is stuck', () => {
    spec(liveness)
      .given([registered])
      .when(markLost({ notReady: 'its container runtime has not answered: docker list did not answer within 500 ms' }))
      .then([
        makeEvent('NodeLost', {
          nodeId: 'n1',
          at: at(10),
          lastSeen: at(4),
          reason:
            'not ready: its container runtime has not answered: docker list did not answer within 500 ms; ' +
            'no ready heartbeat for 6.0 s (limit 5.0 s)',
        }),
      ]);
  });

  it('writes nothing when the node is already lost, or unknown (idempotent)', () => {
    spec(liveness)
      .given([registered, lost])
      .when(markLost({ at: at(11) }))
      .then([]);
    spec(liveness).given([]).when(markLost()).then([]);
  });

  it('recovers a lost node on a later heartbeat, and only a lost one', () => {
    spec(liveness)
      .given([registered, lost])
      .when({ type: 'MarkNodeRecovered', at: at(20), heartbeatAt: at(19.5) })
      .then([recovered]);
    spec(liveness)
      .given([registered])
      .when({ type: 'MarkNodeRecovered', at: at(20), heartbeatAt: at(19.5) })
      .then([]);
    spec(liveness)
      .given([registered, lost, recovered])
      .when({ type: 'MarkNodeRecovered', at: at(21), heartbeatAt: at(21) })
      .then([]);
  });

  it('removes a node lost for the clean-up time, releasing every assignment, and not a moment before', () => {
    const history = [registered, assigned(ID1, 20000), assigned(ID2, 20001, 'api'), lost];
    spec(liveness)
      .given(history)
      .when({ type: 'RemoveLostNode', at: at(69.9), gcAfterMs: 60000 })
      .then([]);
    spec(liveness)
      .given(history)
      .when({ type: 'RemoveLostNode', at: at(70), gcAfterMs: 60000 })
      .then([
        makeEvent('NodeRemoved', {
          nodeId: 'n1',
          reason: 'lost for 60.0 s (clean-up after 60.0 s); 2 assignment(s) released',
          released: [
            { instanceId: ID1, app: 'web' },
            { instanceId: ID2, app: 'api' },
          ],
        }),
      ]);
    spec(liveness)
      .given([registered, lost, recovered])
      .when({ type: 'RemoveLostNode', at: at(999), gcAfterMs: 60000 })
      .then([]);
  });
});

describe('node liveness in the fold', () => {
  it('remembers the assignments a node had when lost, until they are unassigned', () => {
    const s = fold([registered, assigned(ID1, 20000), assigned(ID2, 20001), lost, recovered, unassigned(ID1)]);
    expect(s.condition).toBe('ready');
    expect(s.lostAt).toBeNull();
    expect([...s.lostInstances]).toEqual([ID2]);
    expect([...s.assignments.keys()]).toEqual([ID2]);
  });

  it('gives the scheduler a lost node with status lost, and keeps its resources held', () => {
    const s = fold([registered, assigned(ID1, 20000), lost]);
    expect(s).toMatchObject({ condition: 'lost', lostAt: at(10) });
    expect(toCandidate(s)).toMatchObject({ status: 'lost', allocated: { cpuMillis: 500 } });
    expect(toCandidate(fold([registered])).status).toBe('ready');
  });

  it('frees everything of a removed node, and a removed node that registers again starts afresh', () => {
    const removed = makeEvent('NodeRemoved', {
      nodeId: 'n1',
      reason: 'gone',
      released: [{ instanceId: ID1, app: 'web' }],
    });
    const s = fold([registered, assigned(ID1, 20000), lost, removed]);
    expect(s).toMatchObject({
      condition: 'removed',
      assignments: new Map(),
      allocated: { cpuMillis: 0, memoryMiB: 0, diskMiB: 0 },
    });
    expect(s.usedPorts.size).toBe(0);
    spec(registration).given([registered, lost, removed]).when({ type: 'RegisterNode', info: INFO }).then([registered]);
    expect(fold([registered, lost, removed, registered]).condition).toBe('ready');
  });

  it('keeps a lost node lost when it merely registers again (only a heartbeat recovers it)', () => {
    expect(fold([registered, lost, makeEvent('NodeRegistered', { ...INFO, hostname: 'renamed' })]).condition).toBe(
      'lost',
    );
  });
});
