import { AppEvent, Constraint, makeEvent, Resources } from '@mammoth/events';
import seedrandom from 'seedrandom';
import { NodeCandidate } from '../scheduler/types';
import { AppSpec, AppState, evolveApp, initialAppState } from './app';
import { checkPlaceable, pendingSummary, scheduleApp, ScheduleOptions } from './schedule';

const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const SHAPE: Resources = { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 100 };

function appSpec(over: Partial<AppSpec> = {}): AppSpec {
  return {
    name: 'web',
    package: PKG,
    instances: 2,
    resources: SHAPE,
    env: { MODE: 'prod' },
    constraints: [],
    strategy: 'spread',
    ...over,
  };
}

function node(id: string, over: Partial<NodeCandidate> = {}): NodeCandidate {
  return {
    id,
    address: `10.0.0.${id.replace(/\D/g, '') || '9'}`,
    status: 'ready',
    capacity: { cpuMillis: 4000, memoryMiB: 4096, diskMiB: 1000 },
    allocated: { cpuMillis: 0, memoryMiB: 0, diskMiB: 0 },
    usedPorts: new Set(),
    portRange: { from: 20000, to: 20009 },
    labels: {},
    appCounts: new Map(),
    ...over,
  };
}

function opts(): ScheduleOptions & { ids: string[] } {
  const ids: string[] = [];
  return {
    ids,
    rng: seedrandom('schedule'),
    newInstanceId: () => {
      const id = `00000000-0000-4000-8000-${String(ids.length + 1).padStart(12, '0')}`;
      ids.push(id);
      return id;
    },
  };
}

const fold = (events: AppEvent[]) => events.reduce(evolveApp, initialAppState());
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const placed = (n: number, nodeId = 'n1', port = 20000 + n) =>
  makeEvent('InstancePlaced', { app: 'web', instanceId: uuid(n), nodeId, host: '10.0.0.1', port });

describe('scheduleApp', () => {
  it('writes nothing for an app that does not exist', () => {
    const r = scheduleApp(initialAppState(), [node('n1')], opts());
    expect(r.app).toEqual([]);
    expect(r.nodes.size).toBe(0);
  });

  it('places the missing instances: InstancePlaced on the app and InstanceAssigned on the node', () => {
    const o = opts();
    const state = fold([makeEvent('AppDeployed', appSpec({ instances: 3 })), placed(1, 'n1', 20000)]);
    const nodes = [node('n1', { usedPorts: new Set([20000]), allocated: SHAPE }), node('n2')];
    const r = scheduleApp(state, nodes, o);

    expect(r.app.map((e) => e.type)).toEqual(['InstancePlaced', 'InstancePlaced']);
    expect(o.ids).toHaveLength(2);
    const byId = new Map(r.app.map((e) => [(e.data as { instanceId: string }).instanceId, e]));
    const assigned = [...r.nodes.entries()].flatMap(([nodeId, evs]) => evs.map((e) => ({ nodeId, e })));
    expect(assigned).toHaveLength(2);
    for (const { nodeId, e } of assigned) {
      if (e.type !== 'InstanceAssigned') throw new Error(`unexpected ${e.type}`);
      const p = byId.get(e.data.instanceId);
      if (!p || p.type !== 'InstancePlaced') throw new Error('assignment without placement');
      expect(p.data.nodeId).toBe(nodeId);
      expect(p.data.host).toBe(nodeId === 'n1' ? '10.0.0.1' : '10.0.0.2');
      expect(e.data).toEqual({
        instanceId: p.data.instanceId,
        app: 'web',
        package: PKG,
        resources: SHAPE,
        port: p.data.port,
        env: { MODE: 'prod' },
      });
    }
    // Spread: n2 is empty, so it gets an instance; ports are the lowest free on each node.
    const ports = Object.fromEntries(assigned.map(({ nodeId, e }) => [nodeId, (e.data as { port: number }).port]));
    expect(ports.n2).toBe(20000);
    if (ports.n1 !== undefined) expect(ports.n1).toBe(20001);
  });

  it('places each instance on a distinct, lowest free port of one node', () => {
    const r = scheduleApp(
      fold([makeEvent('AppDeployed', appSpec({ instances: 3 }))]),
      [node('n1', { usedPorts: new Set([20001]) })],
      opts(),
    );
    expect(r.nodes.get('n1')!.map((e) => (e.data as { port: number }).port)).toEqual([20000, 20002, 20003]);
  });

  it("places under the app's constraints and strategy, and names an unmet constraint in InstancesPending", () => {
    const nodes = [
      node('n1', { labels: { rack: 'a' } }),
      node('n2', { labels: { rack: 'b' } }),
      node('n3', { labels: { rack: 'b' } }),
    ];
    const constraints: Constraint[] = [{ kind: 'label', key: 'rack', op: 'equals', values: ['b'] }, { kind: 'unique' }];
    const r = scheduleApp(
      fold([makeEvent('AppDeployed', appSpec({ instances: 3, constraints, strategy: 'binpack' }))]),
      nodes,
      opts(),
    );
    const placedOn = r.app.flatMap((e) => (e.type === 'InstancePlaced' ? [e.data.nodeId] : [])).sort();
    expect(placedOn).toEqual(['n2', 'n3']);
    expect(r.app.find((e) => e.type === 'InstancesPending')?.data).toEqual({
      app: 'web',
      count: 1,
      reasons: [
        { reason: 'constraint unique not met', nodes: 2 },
        { reason: 'constraint rack=b not met', nodes: 1 },
      ],
    });
  });

  it("uses the app's strategy: bin-pack fills one node where spread would use both", () => {
    const placedOn = (strategy: AppSpec['strategy']) => {
      const r = scheduleApp(
        fold([makeEvent('AppDeployed', appSpec({ instances: 2, strategy }))]),
        [node('n1'), node('n2')],
        opts(),
      );
      return new Set(r.app.flatMap((e) => (e.type === 'InstancePlaced' ? [e.data.nodeId] : []))).size;
    };
    expect([placedOn('spread'), placedOn('binpack')]).toEqual([2, 1]);
  });

  it('writes nothing when live equals desired', () => {
    const state = fold([makeEvent('AppDeployed', appSpec({ instances: 2 })), placed(1), placed(2)]);
    const r = scheduleApp(state, [node('n1')], opts());
    expect(r.app).toEqual([]);
    expect(r.nodes.size).toBe(0);
  });

  it('scales down newest first: InstanceStopRequested on the app and InstanceUnassigned on the node', () => {
    const state = fold([
      makeEvent('AppDeployed', appSpec({ instances: 3 })),
      placed(1, 'n1'),
      placed(2, 'n2'),
      placed(3, 'n1'),
      makeEvent('AppScaled', { name: 'web', from: 3, to: 1 }),
    ]);
    const r = scheduleApp(state, [node('n1'), node('n2')], opts());
    expect(r.app).toEqual([
      makeEvent('InstanceStopRequested', { app: 'web', instanceId: uuid(3), nodeId: 'n1', reason: 'scaled down' }),
      makeEvent('InstanceStopRequested', { app: 'web', instanceId: uuid(2), nodeId: 'n2', reason: 'scaled down' }),
    ]);
    expect(r.nodes.get('n1')).toEqual([
      makeEvent('InstanceUnassigned', { instanceId: uuid(3), app: 'web', reason: 'scaled down' }),
    ]);
    expect(r.nodes.get('n2')).toEqual([
      makeEvent('InstanceUnassigned', { instanceId: uuid(2), app: 'web', reason: 'scaled down' }),
    ]);
  });

  it('stops every instance of a removed app', () => {
    const state = fold([
      makeEvent('AppDeployed', appSpec()),
      placed(1, 'n1'),
      placed(2, 'n2'),
      makeEvent('AppRemoved', { name: 'web' }),
    ]);
    const r = scheduleApp(state, [node('n1'), node('n2')], opts());
    expect(
      r.app.map((e) => [e.type, (e.data as { instanceId: string }).instanceId, (e.data as { reason: string }).reason]),
    ).toEqual([
      ['InstanceStopRequested', uuid(2), 'app removed'],
      ['InstanceStopRequested', uuid(1), 'app removed'],
    ]);
    expect([...r.nodes.keys()].sort()).toEqual(['n1', 'n2']);
    expect([...r.nodes.values()].flat().every((e) => e.type === 'InstanceUnassigned')).toBe(true);
    // Once the stops are folded in, a removed app needs nothing more.
    expect(scheduleApp(r.app.reduce(evolveApp, state), [node('n1'), node('n2')], opts()).app).toEqual([]);
  });

  it('writes exactly one InstancesPending for 10,000 instances that cannot fit', () => {
    const state = fold([makeEvent('AppDeployed', appSpec({ instances: 10_000 }))]);
    const full = { cpuMillis: 4000, memoryMiB: 4096, diskMiB: 0 };
    const nodes = [
      node('n1', { allocated: full }),
      node('n2', { allocated: full }),
      node('n3', { allocated: full }),
      node('n4', { status: 'lost' }),
    ];
    const o = opts();
    const r = scheduleApp(state, nodes, o);
    expect(r.app).toEqual([
      makeEvent('InstancesPending', {
        app: 'web',
        count: 10_000,
        reasons: [
          { reason: 'cpu exhausted', nodes: 3 },
          { reason: 'node not ready', nodes: 1 },
        ],
      }),
    ]);
    expect(r.nodes.size).toBe(0);
    expect(o.ids).toEqual([]);
    expect(pendingSummary((r.app[0].data as { reasons: { reason: string; nodes: number }[] }).reasons)).toBe(
      '3 nodes: cpu exhausted; 1 node: node not ready',
    );
  });

  it('places what fits and writes one InstancesPending for the rest', () => {
    const state = fold([makeEvent('AppDeployed', appSpec({ instances: 6 }))]);
    const r = scheduleApp(state, [node('n1')], opts()); // room for 4 of SHAPE
    expect(r.app.map((e) => e.type)).toEqual([
      'InstancePlaced',
      'InstancePlaced',
      'InstancePlaced',
      'InstancePlaced',
      'InstancesPending',
    ]);
    expect(r.app[4].data).toEqual({ app: 'web', count: 2, reasons: [{ reason: 'cpu exhausted', nodes: 1 }] });
    expect(r.nodes.get('n1')).toHaveLength(4);
  });

  it('does not write another InstancesPending when nothing changed', () => {
    const state = fold([makeEvent('AppDeployed', appSpec({ instances: 5 }))]);
    const nodes = [node('n1', { status: 'draining' })];
    const first = scheduleApp(state, nodes, opts());
    expect(first.app).toHaveLength(1);
    const again = scheduleApp(first.app.reduce(evolveApp, state), nodes, opts());
    expect(again.app).toEqual([]);
    expect(again.nodes.size).toBe(0);
  });

  it('writes a new InstancesPending when the reasons change', () => {
    const state = fold([makeEvent('AppDeployed', appSpec({ instances: 5 }))]);
    const first = scheduleApp(state, [node('n1', { status: 'draining' })], opts());
    const again = scheduleApp(
      first.app.reduce(evolveApp, state),
      [node('n1', { status: 'draining' }), node('n2', { status: 'lost' })],
      opts(),
    );
    expect(again.app).toEqual([
      makeEvent('InstancesPending', { app: 'web', count: 5, reasons: [{ reason: 'node not ready', nodes: 2 }] }),
    ]);
  });

  it('keeps the app pending when it is scaled up, some instances are placed and as many as before stay unplaced', () => {
    // Two instances were pending; the app is scaled to four and a fresh node takes two: two remain unplaced for
    // the same reason. The placements clear the pending state, so the pending event must be written again.
    const state = fold([
      makeEvent('AppDeployed', appSpec({ instances: 2 })),
      makeEvent('InstancesPending', { app: 'web', count: 2, reasons: [{ reason: 'cpu exhausted', nodes: 1 }] }),
      makeEvent('AppScaled', { name: 'web', from: 2, to: 4 }),
    ]);
    const fresh = node('n2', { capacity: { cpuMillis: 2000, memoryMiB: 4096, diskMiB: 1000 } });
    const r = scheduleApp(state, [fresh], opts());
    expect(r.app.map((e) => e.type)).toEqual(['InstancePlaced', 'InstancePlaced', 'InstancesPending']);
    const after = r.app.reduce(evolveApp, state) as Exclude<AppState, { status: 'none' }>;
    expect(after.pending?.count).toBe(2);
  });

  it('writes InstancesPending again when some instances are placed and as many as before stay unplaced (the placements cleared it)', () => {
    // Two were pending; a lost instance leaves the live set, a fresh node takes one replacement: two stay unplaced, same reason.
    const state = fold([
      makeEvent('AppDeployed', appSpec({ instances: 3 })),
      placed(1),
      makeEvent('InstancesPending', { app: 'web', count: 2, reasons: [{ reason: 'cpu exhausted', nodes: 1 }] }),
      makeEvent('InstanceLost', {
        app: 'web',
        instanceId: uuid(1),
        nodeId: 'n1',
        reason: 'node n1 lost',
        replacedBy: null,
      }),
    ]);
    const r = scheduleApp(
      state,
      [node('n2', { allocated: { cpuMillis: 4000 - SHAPE.cpuMillis, memoryMiB: 0, diskMiB: 0 } })],
      opts(),
    );
    expect(r.app.map((e) => e.type)).toEqual(['InstancePlaced', 'InstancesPending']);
    expect((r.app.reduce(evolveApp, state) as Exclude<AppState, { status: 'none' }>).pending?.count).toBe(2);
  });

  it('clears the pending state when the app is scaled down to what is live', () => {
    const state = fold([
      makeEvent('AppDeployed', appSpec({ instances: 3 })),
      placed(1),
      makeEvent('InstancesPending', { app: 'web', count: 2, reasons: [{ reason: 'cpu exhausted', nodes: 1 }] }),
      makeEvent('AppScaled', { name: 'web', from: 3, to: 1 }),
    ]);
    expect(
      scheduleApp(state, [node('n1', { allocated: { cpuMillis: 4000, memoryMiB: 0, diskMiB: 0 } })], opts()).app,
    ).toEqual([]);
    expect((state as Exclude<AppState, { status: 'none' }>).pending).toBeNull();
  });

  it('reports no nodes at all as the pending reason', () => {
    const r = scheduleApp(fold([makeEvent('AppDeployed', appSpec({ instances: 1 }))]), [], opts());
    expect(r.app).toEqual([
      makeEvent('InstancesPending', { app: 'web', count: 1, reasons: [{ reason: 'no nodes registered', nodes: 0 }] }),
    ]);
  });
});

describe('checkPlaceable', () => {
  const nodes = [node('n1'), node('n2', { capacity: { cpuMillis: 8000, memoryMiB: 8192, diskMiB: 1000 } })];

  it('accepts a shape that fits the largest node, even if that node is busy now', () => {
    expect(checkPlaceable({ cpuMillis: 8000, memoryMiB: 8192, diskMiB: 1000 }, nodes)).toBeNull();
  });

  it('refuses memory larger than every node, naming memory', () => {
    const err = checkPlaceable({ cpuMillis: 100, memoryMiB: 9000, diskMiB: 0 }, nodes);
    expect(err).not.toBeNull();
    expect(err!.code).toBe('CANNOT_PLACE');
    expect(err!.field).toBe('memory');
    expect(err!.message).toContain("memory 9000 MiB exceeds the largest node's 8192 MiB");
  });

  it('names the first dimension and lists all of them', () => {
    const err = checkPlaceable({ cpuMillis: 9000, memoryMiB: 9000, diskMiB: 5 }, nodes);
    expect(err!.field).toBe('cpu');
    expect(err!.details).toEqual({ reasons: [expect.stringMatching(/^cpu /), expect.stringMatching(/^memory /)] });
  });

  it('accepts anything when no node is registered yet (the instances wait as pending)', () => {
    expect(checkPlaceable({ cpuMillis: 1, memoryMiB: 1, diskMiB: 1 }, [])).toBeNull();
  });
});
