import { randomUUID } from 'node:crypto';
import { Assignment, NodeInfo } from '@mammoth/domain';
import {
  BusBatch,
  EventBus,
  makeEvent,
  NodeEvent,
  SubscribeOptions,
  Topics,
  toWire,
  WireMessage,
} from '@mammoth/events';
import { loadConfig, Machine } from '../config';
import { InstanceReport } from '../control-plane/control-plane.client';
import { NodeSnapshot } from '../desired-state';
import { HollowFleet } from './hollow-fleet';

const machine: Machine = { hostname: 'box', cpus: 2, memoryMiB: 4000, diskMiB: () => 1000 };
const pkg = {
  name: 'web',
  version: '1',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'web:1',
};

async function eventually(fn: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** world is a fake control plane (registration, snapshots, reports) and a fake Kafka that the test publishes node events on. */
function world() {
  const registered: NodeInfo[] = [];
  const reportCalls: InstanceReport[][] = [];
  const fetches: string[] = [];
  const heartbeats: WireMessage[] = [];
  const subscriptions: SubscribeOptions[] = [];
  const versions = new Map<string, number>();
  const snapshots = new Map<string, Assignment[]>();
  const controlPlane = {
    async registerNode(info: NodeInfo) {
      registered.push(info);
      // A registration (or a re-registration after a removal) is one more event on the node's stream, with nothing assigned.
      versions.set(info.nodeId, (versions.get(info.nodeId) ?? 0) + 1);
      snapshots.delete(info.nodeId);
      return info.nodeId;
    },
    async fetchSnapshotsOf(nodeIds: readonly string[]): Promise<Map<string, NodeSnapshot>> {
      fetches.push(...nodeIds);
      return new Map(
        nodeIds.map((id) => [id, { version: versions.get(id) ?? 0, assignments: snapshots.get(id) ?? [] }]),
      );
    },
    async reportInstances(reports: readonly InstanceReport[]) {
      reportCalls.push([...reports]);
      return reports.length;
    },
  };
  const bus: EventBus = {
    ensureTopics: async () => ({ created: [], corrected: [] }),
    publish: async (_topic, messages) => void heartbeats.push(...messages),
    subscribe: async (opts) => {
      subscriptions.push(opts);
      return { stop: async () => undefined };
    },
    disconnect: async () => undefined,
  };
  let offset = 0;
  /** emit appends an event to a node's stream and returns its Kafka message. */
  const emit = (nodeId: string, event: NodeEvent): WireMessage => {
    const version = versions.get(nodeId)! + 1;
    versions.set(nodeId, version);
    return toWire({
      streamId: `node-${nodeId}`,
      streamVersion: version,
      position: String(++offset),
      event,
      metadata: {
        eventId: randomUUID(),
        correlationId: 'c',
        causationId: null,
        actor: 'test',
        timestamp: new Date().toISOString(),
      },
    });
  };
  /** assign appends InstanceAssigned to a node's stream (the snapshot knows it too) and returns its message. */
  const assign = (nodeId: string, port: number): { message: WireMessage; assignment: Assignment } => {
    const assignment: Assignment = {
      instanceId: randomUUID(),
      app: 'web',
      package: pkg,
      resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
      port,
      env: {},
    };
    snapshots.set(nodeId, [...(snapshots.get(nodeId) ?? []), assignment]);
    return { message: emit(nodeId, makeEvent('InstanceAssigned', assignment)), assignment };
  };
  const deliver = (messages: WireMessage[]) => {
    const batch: BusBatch = {
      topic: 'x.events.node',
      partition: 0,
      messages: messages.map((m, i) => ({ offset: String(i), key: m.key, value: m.value })),
    };
    return Promise.all(subscriptions.map((s) => s.eachBatch(batch)));
  };
  return { registered, reportCalls, fetches, heartbeats, subscriptions, controlPlane, bus, assign, emit, deliver };
}

describe('HollowFleet', () => {
  const config = loadConfig(
    { SIM_RACKS: '2', SIM_ZONES: '3', HEARTBEAT_INTERVAL_MS: '50' },
    ['--driver', 'sim', '--count', '4'],
    machine,
  );
  let fleet: HollowFleet;
  afterEach(() => fleet?.stop());

  it('registers every node with its labels, follows Kafka with ONE consumer, and merges the reports of many nodes', async () => {
    const w = world();
    fleet = new HollowFleet({
      config,
      controlPlane: w.controlPlane,
      bus: w.bus,
      topics: new Topics('x'),
      log: () => undefined,
    });
    fleet.start((err) => {
      throw err;
    });
    await eventually(() => expect(w.fetches).toHaveLength(4));
    expect(w.registered.map((n) => [n.nodeId, n.labels.rack, n.labels.zone, n.driver])).toEqual([
      ['hollow-0', 'r0', 'z0', 'sim'],
      ['hollow-1', 'r1', 'z1', 'sim'],
      ['hollow-2', 'r0', 'z2', 'sim'],
      ['hollow-3', 'r1', 'z0', 'sim'],
    ]);
    expect(w.subscriptions).toHaveLength(1);
    await eventually(() =>
      expect(new Set(w.heartbeats.map((m) => m.key))).toEqual(
        new Set(['hollow-0', 'hollow-1', 'hollow-2', 'hollow-3']),
      ),
    );

    const a = w.assign('hollow-0', 31000);
    const b = w.assign('hollow-2', 31000);
    const c = w.assign('hollow-2', 31001);
    await w.deliver([a.message, b.message, c.message]);
    await eventually(() => expect(w.reportCalls.flat()).toHaveLength(3));
    expect(w.reportCalls.some((call) => new Set(call.map((r) => r.nodeId)).size > 1)).toBe(true);
    expect(
      w.reportCalls
        .flat()
        .map((r) => [r.nodeId, r.instanceId, r.state])
        .sort(),
    ).toEqual(
      [
        ['hollow-0', a.assignment.instanceId, 'running'],
        ['hollow-2', b.assignment.instanceId, 'running'],
        ['hollow-2', c.assignment.instanceId, 'running'],
      ].sort(),
    );
    expect(fleet.nodes.map((n) => n.runtime.size)).toEqual([1, 0, 2, 0]);
    expect(w.fetches).toHaveLength(4);
  });

  it('fetches a snapshot only for the node whose stream shows a gap, and catches up from it', async () => {
    const w = world();
    fleet = new HollowFleet({
      config,
      controlPlane: w.controlPlane,
      bus: w.bus,
      topics: new Topics('x'),
      log: () => undefined,
    });
    fleet.start((err) => {
      throw err;
    });
    await eventually(() => expect(w.fetches).toHaveLength(4));
    w.assign('hollow-1', 31000); // never delivered: the gap
    const second = w.assign('hollow-1', 31001);
    await w.deliver([second.message]);
    await eventually(() => expect(fleet.nodes[1].runtime.size).toBe(2));
    expect(w.fetches.slice(4)).toEqual(['hollow-1']);
  });

  it('registers a node again when its stream says the control plane removed it, and stops what the node ran', async () => {
    const w = world();
    fleet = new HollowFleet({
      config,
      controlPlane: w.controlPlane,
      bus: w.bus,
      topics: new Topics('x'),
      log: () => undefined,
    });
    fleet.start((err) => {
      throw err;
    });
    await eventually(() => expect(w.fetches).toHaveLength(4));
    const a = w.assign('hollow-3', 31000);
    await w.deliver([a.message]);
    await eventually(() => expect(fleet.nodes[3].runtime.size).toBe(1));

    const released = [{ instanceId: a.assignment.instanceId, app: 'web' }];
    await w.deliver([
      w.emit('hollow-3', makeEvent('NodeRemoved', { nodeId: 'hollow-3', reason: 'lost for 600.0 s', released })),
    ]);
    await eventually(() => expect(w.registered.filter((n) => n.nodeId === 'hollow-3')).toHaveLength(2));
    await eventually(() => expect(fleet.nodes[3].runtime.size).toBe(0));
    await eventually(() => expect(fleet.nodes[3].desired.registered()).toBe(true));
    expect(w.registered).toHaveLength(5);
  });
});
