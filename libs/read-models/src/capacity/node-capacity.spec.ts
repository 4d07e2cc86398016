import fc from 'fast-check';
import { evolveNode, initialNodeState, NodeState } from '@mammoth/domain';
import { NodeEvent, RecordedEvent } from '@mammoth/events';
import { at, DIGEST, recorded } from '../testing/recorded';
import { AssignmentRow } from './assignments';
import { foldCapacity } from './capacity-fold';
import { NodeCapacityRow } from './node-capacity';

const I = (n: number) => `6f1c2a3b-0000-4000-8000-${String(n).padStart(12, '0')}`;
const stream = { id: 'node-n1', version: 1 };
const pkg = { name: 'web', version: '1', digest: DIGEST, format: 'image' as const, imageRef: 'web:1' };
const registered = (range = { from: 20000, to: 20009 }, cpuMillis = 4000, t = 1) =>
  recorded(
    'NodeRegistered',
    {
      nodeId: 'n1',
      hostname: 'n1',
      address: '127.0.0.1',
      capacity: { cpuMillis, memoryMiB: 8192, diskMiB: 1000 },
      portRange: range,
      labels: {},
      driver: 'sim',
    },
    at(t),
    stream,
  );
const assigned = (n: number, port: number, cpuMillis = 500, t = 2) =>
  recorded(
    'InstanceAssigned',
    {
      instanceId: I(n),
      app: 'web',
      package: pkg,
      resources: { cpuMillis, memoryMiB: 256, diskMiB: 10 },
      port,
      env: {},
    },
    at(t),
    stream,
  );
const unassigned = (n: number, t = 3) =>
  recorded('InstanceUnassigned', { instanceId: I(n), app: 'web', reason: 'scaled down' }, at(t), stream);
const lost = (t = 4) =>
  recorded('NodeLost', { nodeId: 'n1', at: at(t), lastSeen: null, reason: 'no heartbeat' }, at(t), stream);
const recovered = (t = 5) => recorded('NodeRecovered', { nodeId: 'n1', at: at(t), reason: 'heartbeat' }, at(t), stream);
const removed = (t = 6) =>
  recorded('NodeRemoved', { nodeId: 'n1', reason: 'lost too long', released: [] }, at(t), stream);

/** replay folds a history the way the projection folds a batch: foldCapacity over the node row and the assignment rows. */
function replay(events: RecordedEvent<NodeEvent>[]): {
  node: NodeCapacityRow | null;
  held: Map<string, AssignmentRow>;
} {
  const rows = foldCapacity({ nodes: new Map(), held: new Map() }, events);
  const held = new Map<string, AssignmentRow>();
  for (const [id, row] of rows.held) if (row) held.set(id, row);
  return { node: rows.nodes.get('n1') ?? null, held };
}

describe('evolveNodeCapacity through foldCapacity', () => {
  it('given nothing, when NodeRegistered, then the whole offer is free', () => {
    expect(replay([registered()]).node).toEqual<NodeCapacityRow>({
      node_id: 'n1',
      status: 'ready',
      cpu_millis: 4000,
      memory_mib: 8192,
      disk_mib: 1000,
      port_from: 20000,
      port_to: 20009,
      allocated_cpu_millis: 0,
      allocated_memory_mib: 0,
      allocated_disk_mib: 0,
      free_cpu_millis: 4000,
      free_memory_mib: 8192,
      free_disk_mib: 1000,
      ports_total: 10,
      ports_used: 0,
      held_ports: [],
      instances: 0,
      updated_at: at(1),
    });
  });

  it('given a node, when instances are assigned and one unassigned, then allocated is the sum of what is still held', () => {
    const { node, held } = replay([registered(), assigned(1, 20000), assigned(2, 20001, 1500), unassigned(1)]);
    expect(node).toMatchObject({
      allocated_cpu_millis: 1500,
      allocated_memory_mib: 256,
      allocated_disk_mib: 10,
      free_cpu_millis: 2500,
      free_memory_mib: 7936,
      free_disk_mib: 990,
      ports_used: 1,
      held_ports: [20001],
      instances: 1,
      updated_at: at(3),
    });
    expect([...held.keys()]).toEqual([I(2)]);
  });

  it('given held instances, when the node re-registers with a new range and size, then the held share stays and ports count inside the new range', () => {
    const { node } = replay([
      registered(),
      assigned(1, 20000),
      assigned(2, 20005),
      registered({ from: 20004, to: 20006 }, 1000, 9),
    ]);
    expect(node).toMatchObject({
      cpu_millis: 1000,
      allocated_cpu_millis: 1000,
      free_cpu_millis: 0,
      port_from: 20004,
      port_to: 20006,
      ports_total: 3,
      ports_used: 1,
      held_ports: [20000, 20005],
      instances: 2,
      updated_at: at(9),
    });
  });

  it('follows the failure detector: lost keeps what is held, recovered is ready again, removed releases everything until it registers again', () => {
    const history = [registered(), assigned(1, 20000), lost()];
    expect(replay(history).node).toMatchObject({
      status: 'lost',
      instances: 1,
      allocated_cpu_millis: 500,
      updated_at: at(4),
    });
    expect(replay([...history, recovered()]).node).toMatchObject({ status: 'ready', instances: 1 });
    const gone = replay([...history, removed()]);
    expect(gone.node).toMatchObject({
      status: 'removed',
      instances: 0,
      allocated_cpu_millis: 0,
      free_cpu_millis: 4000,
      held_ports: [],
      ports_used: 0,
    });
    expect(gone.held.size).toBe(0);
    expect(replay([...history, removed(), registered(undefined, 4000, 7)]).node).toMatchObject({
      status: 'ready',
      instances: 0,
      updated_at: at(7),
    });
    // What a removed node was still told to hold is gone once it registers afresh, as in the node aggregate.
    const afresh = replay([...history, removed(), assigned(2, 20001), registered(undefined, 4000, 7), unassigned(2)]);
    expect(afresh.node).toMatchObject({
      status: 'ready',
      instances: 0,
      allocated_cpu_millis: 0,
      allocated_memory_mib: 0,
      held_ports: [],
    });
    expect(afresh.held.size).toBe(0);
  });

  it('changes nothing for an instance assigned twice, an unassignment of what is not held, or a node that never registered', () => {
    const once = replay([registered(), assigned(1, 20000)]);
    expect(replay([registered(), assigned(1, 20000), assigned(1, 20000)])).toEqual(once);
    expect(replay([registered(), assigned(1, 20000), unassigned(7)])).toEqual(once);
    expect(replay([assigned(1, 20000), unassigned(1), lost()])).toEqual({ node: null, held: new Map() });
  });

  it('agrees with the node aggregate on status, allocation and ports in range, for any history the scheduler can write (replay equals the write side)', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('assign' as const),
        n: fc.integer({ min: 0, max: 5 }),
        cpu: fc.integer({ min: 0, max: 900 }),
      }),
      fc.record({ kind: fc.constant('unassign' as const), n: fc.integer({ min: 0, max: 7 }) }),
      fc.record({
        kind: fc.constant('register' as const),
        from: fc.integer({ min: 20000, max: 20006 }),
        size: fc.integer({ min: 1, max: 8 }),
      }),
      fc.record({ kind: fc.constantFrom('lost' as const, 'recovered' as const, 'removed' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const events: RecordedEvent<NodeEvent>[] = [registered()];
        const live = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'register') events.push(registered({ from: o.from, to: o.from + o.size - 1 }));
          else if (o.kind === 'unassign') {
            events.push(unassigned(o.n));
            live.delete(o.n);
          } else if (o.kind === 'lost') events.push(lost());
          else if (o.kind === 'recovered') events.push(recovered());
          else if (o.kind === 'removed') {
            events.push(removed());
            live.clear();
          } else if (o.kind === 'assign' && !live.has(o.n)) {
            // one port per instance, as the scheduler does
            events.push(assigned(o.n, 20000 + o.n, o.cpu));
            live.add(o.n);
          }
        }
        const written = events.reduce<NodeState>((s, e) => evolveNode(s, e.event), initialNodeState());
        const { node } = replay(events);
        if (written.status !== 'registered' || !node) throw new Error('node not registered');
        const { from, to } = written.info.portRange;
        expect(node.status).toBe(written.condition);
        expect(node.allocated_cpu_millis).toBe(written.allocated.cpuMillis);
        expect(node.allocated_memory_mib).toBe(written.allocated.memoryMiB);
        expect(node.instances).toBe(written.assignments.size);
        expect(node.ports_used).toBe([...written.usedPorts].filter((p) => p >= from && p <= to).length);
      }),
      { numRuns: 1000 },
    );
  });
});
