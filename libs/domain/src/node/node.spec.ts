import { makeEvent, NodeEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { toCandidate } from './candidate';
import { decideNode, evolveNode, initialNodeState, NodeInfo, NodeState } from './node';

const decider = { initialState: initialNodeState, evolve: evolveNode, decide: decideNode };
const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const ID1 = '00000000-0000-4000-8000-000000000001';
const ID2 = '00000000-0000-4000-8000-000000000002';

function info(over: Partial<NodeInfo> = {}): NodeInfo {
  return {
    nodeId: 'n1',
    hostname: 'host-1',
    address: '127.0.0.1',
    capacity: { cpuMillis: 4000, memoryMiB: 8192, diskMiB: 10000 },
    portRange: { from: 20000, to: 20099 },
    labels: { zone: 'a' },
    driver: 'docker',
    ...over,
  };
}

const registered = (over: Partial<NodeInfo> = {}) => makeEvent('NodeRegistered', info(over));
const assigned = (instanceId: string, port: number, app = 'web') =>
  makeEvent('InstanceAssigned', {
    instanceId,
    app,
    package: PKG,
    resources: { cpuMillis: 500, memoryMiB: 256, diskMiB: 10 },
    port,
    env: {},
  });

function fold(events: NodeEvent[]): Extract<NodeState, { status: 'registered' }> {
  const s = events.reduce(evolveNode, initialNodeState());
  if (s.status !== 'registered') throw new Error('node not registered');
  return s;
}

describe('node decider', () => {
  it('registers a new node', () => {
    spec(decider).given([]).when({ type: 'RegisterNode', info: info() }).then([registered()]);
  });

  it('writes nothing when an unchanged node registers again (idempotent)', () => {
    spec(decider).given([registered()]).when({ type: 'RegisterNode', info: info() }).then([]);
  });

  it('writes nothing when only the key order of the facts differs', () => {
    const reordered = Object.fromEntries(Object.entries(info()).reverse()) as NodeInfo;
    expect(Object.keys(reordered)[0]).toBe('driver');
    spec(decider)
      .given([registered(), assigned(ID1, 20000)])
      .when({ type: 'RegisterNode', info: reordered })
      .then([]);
  });

  it('records changed facts on re-registration', () => {
    const bigger = info({ capacity: { cpuMillis: 8000, memoryMiB: 8192, diskMiB: 10000 } });
    spec(decider)
      .given([registered()])
      .when({ type: 'RegisterNode', info: bigger })
      .then([makeEvent('NodeRegistered', bigger)]);
  });

  it('records changed labels on re-registration', () => {
    spec(decider)
      .given([registered()])
      .when({ type: 'RegisterNode', info: info({ labels: { zone: 'b' } }) })
      .then([registered({ labels: { zone: 'b' } })]);
  });

  it.each([
    ['an empty node id', { nodeId: '' }, 'nodeId'],
    ['a node id with a slash', { nodeId: 'a/b' }, 'nodeId'],
    ['zero cpu', { capacity: { cpuMillis: 0, memoryMiB: 1, diskMiB: 0 } }, 'capacity.cpuMillis'],
    ['fractional memory', { capacity: { cpuMillis: 1, memoryMiB: 1.5, diskMiB: 0 } }, 'capacity.memoryMiB'],
    ['negative disk', { capacity: { cpuMillis: 1, memoryMiB: 1, diskMiB: -1 } }, 'capacity.diskMiB'],
    ['a privileged port range', { portRange: { from: 80, to: 90 } }, 'portRange.from'],
    ['a port range past 65535', { portRange: { from: 65000, to: 70000 } }, 'portRange.to'],
    ['an inverted port range', { portRange: { from: 30000, to: 29999 } }, 'portRange.to'],
  ] as const)('refuses %s, naming the field', (_label, over, field) => {
    spec(decider)
      .given([])
      .when({ type: 'RegisterNode', info: info(over) })
      .thenError('INVALID_ARGUMENT', field);
  });
});

describe('evolveNode', () => {
  it("adds an assignment's resources and port, and frees them on unassignment", () => {
    const s1 = fold([registered(), assigned(ID1, 20000), assigned(ID2, 20001)]);
    expect(s1.allocated).toEqual({ cpuMillis: 1000, memoryMiB: 512, diskMiB: 20 });
    expect([...s1.usedPorts].sort()).toEqual([20000, 20001]);
    const s2 = fold([
      registered(),
      assigned(ID1, 20000),
      assigned(ID2, 20001),
      makeEvent('InstanceUnassigned', { instanceId: ID1, app: 'web', reason: 'scaled down' }),
    ]);
    expect(s2.allocated).toEqual({ cpuMillis: 500, memoryMiB: 256, diskMiB: 10 });
    expect([...s2.usedPorts]).toEqual([20001]);
    expect([...s2.assignments.keys()]).toEqual([ID2]);
  });

  it('ignores unassignment of an unknown instance', () => {
    const s = fold([
      registered(),
      assigned(ID1, 20000),
      makeEvent('InstanceUnassigned', { instanceId: ID2, app: 'web', reason: 'x' }),
    ]);
    expect(s.allocated.cpuMillis).toBe(500);
    expect(s.assignments.size).toBe(1);
  });

  it('keeps assignments when a node re-registers with new facts', () => {
    const s = fold([registered(), assigned(ID1, 20000), registered({ hostname: 'renamed' })]);
    expect(s.info.hostname).toBe('renamed');
    expect(s.assignments.has(ID1)).toBe(true);
    expect(s.allocated.cpuMillis).toBe(500);
  });

  it('toCandidate exposes allocation, ports and per-app instance counts to the scheduler', () => {
    const c = toCandidate(fold([registered(), assigned(ID1, 20000), assigned(ID2, 20005, 'db')]), 'draining');
    expect(c).toMatchObject({
      id: 'n1',
      address: '127.0.0.1',
      status: 'draining',
      portRange: { from: 20000, to: 20099 },
    });
    expect(c.allocated).toEqual({ cpuMillis: 1000, memoryMiB: 512, diskMiB: 20 });
    expect([...c.usedPorts].sort()).toEqual([20000, 20005]);
    expect(c.appCounts.get('web')).toBe(1);
    expect(c.appCounts.get('db')).toBe(1);
  });
});
