import fc from 'fast-check';
import { Assignment, NodeInfo } from '@mammoth/domain';
import { makeEvent, NodeEvent } from '@mammoth/events';
import { DesiredState, NodeSnapshot, SnapshotSource, StreamEvent } from './desired-state';

const info: NodeInfo = {
  nodeId: 'n1',
  hostname: 'n1',
  address: '127.0.0.1',
  capacity: { cpuMillis: 4000, memoryMiB: 4096, diskMiB: 10000 },
  portRange: { from: 31000, to: 31999 },
  labels: {},
  driver: 'docker',
};
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const assignment = (n: number): Assignment => ({
  instanceId: uuid(n),
  app: 'web',
  package: { name: 'web', version: '1', digest: `sha256:${'a'.repeat(64)}`, format: 'image', imageRef: 'web:1' },
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  port: 31000 + n,
  env: { A: String(n) },
});
const assigned = (n: number): NodeEvent => makeEvent('InstanceAssigned', assignment(n));
const unassigned = (n: number): NodeEvent =>
  makeEvent('InstanceUnassigned', { instanceId: uuid(n), app: 'web', reason: 'scaled down' });
const at = (streamVersion: number, event: NodeEvent): StreamEvent => ({ streamVersion, event });

/** FakeSource is an in-memory control plane: it answers whatever snapshot the test sets, and counts the calls. */
class FakeSource implements SnapshotSource {
  calls = 0;
  constructor(public snapshot: NodeSnapshot) {}
  async fetchSnapshot(): Promise<NodeSnapshot> {
    this.calls++;
    return this.snapshot;
  }
}

const ids = (d: DesiredState) => (d.assignments() ? [...d.assignments()!.keys()].sort() : null);
const flush = () => new Promise((r) => setImmediate(r));

describe('DesiredState', () => {
  it('empties the desired set and asks to register again once when the stream removes the node; a new registration counts it again', async () => {
    const unregistered = jest.fn();
    const d = new DesiredState(
      info,
      new FakeSource({ version: 2, assignments: [assignment(1), assignment(2)] }),
      undefined,
      unregistered,
    );
    await d.resync();
    d.receive(
      at(3, makeEvent('NodeLost', { nodeId: 'n1', at: '2026-11-22T10:00:00.000Z', lastSeen: null, reason: 'silent' })),
    );
    expect([d.registered(), unregistered.mock.calls.length]).toEqual([true, 0]);
    const released = [1, 2].map((n) => ({ instanceId: uuid(n), app: 'web' }));
    d.receive(at(4, makeEvent('NodeRemoved', { nodeId: 'n1', reason: 'lost for 60 s', released })));
    d.receive(at(4, makeEvent('NodeRemoved', { nodeId: 'n1', reason: 'lost for 60 s', released })));
    expect([ids(d), d.registered(), unregistered.mock.calls.length]).toEqual([[], false, 1]);
    d.receive(at(5, makeEvent('NodeRegistered', info)));
    expect([ids(d), d.registered()]).toEqual([[], true]);
  });

  it('asks to register again when a snapshot says the control plane does not count the node', async () => {
    const unregistered = jest.fn();
    const source = new FakeSource({ version: 2, assignments: [assignment(1)] });
    const d = new DesiredState(info, source, undefined, unregistered);
    await d.resync();
    source.snapshot = { version: 4, registered: false, assignments: [] };
    await d.resync();
    expect([ids(d), d.registered(), unregistered.mock.calls.length]).toEqual([[], false, 1]);
  });

  it('is unknown (null) until the first snapshot, buffering events meanwhile', async () => {
    const source = new FakeSource({ version: 2, assignments: [assignment(1)] });
    const d = new DesiredState(info, source);
    d.receive(at(3, assigned(2)));
    expect(d.assignments()).toBeNull();
    await d.resync();
    expect(ids(d)).toEqual([uuid(1), uuid(2)]);
    expect(d.currentVersion()).toBe(3);
  });

  it('drops buffered events the snapshot already covers', async () => {
    const source = new FakeSource({ version: 3, assignments: [assignment(1)] });
    const d = new DesiredState(info, source);
    d.receive(at(2, assigned(1)));
    d.receive(at(3, unassigned(9)));
    await d.resync();
    expect(ids(d)).toEqual([uuid(1)]);
    expect(d.currentVersion()).toBe(3);
  });

  it('applies the next version, ignores duplicates and old versions', async () => {
    const d = new DesiredState(info, new FakeSource({ version: 1, assignments: [] }));
    await d.resync();
    d.receive(at(2, assigned(1)));
    d.receive(at(2, assigned(1)));
    d.receive(at(1, assigned(7)));
    d.receive(at(3, unassigned(1)));
    d.receive(at(3, unassigned(1)));
    d.receive(at(4, assigned(2)));
    expect(ids(d)).toEqual([uuid(2)]);
    expect(d.currentVersion()).toBe(4);
  });

  it('on a gap holds the event and fetches a snapshot, then applies what follows it', async () => {
    const source = new FakeSource({ version: 1, assignments: [] });
    const d = new DesiredState(info, source);
    await d.resync();
    source.snapshot = { version: 3, assignments: [assignment(1), assignment(2)] };
    d.receive(at(4, unassigned(1)));
    expect(ids(d)).toEqual([]);
    await flush();
    expect(source.calls).toBe(2);
    expect(ids(d)).toEqual([uuid(2)]);
    expect(d.currentVersion()).toBe(4);
  });

  it('fills a gap from late events without a snapshot when they arrive first', async () => {
    const source = new FakeSource({ version: 1, assignments: [] });
    const d = new DesiredState(info, source);
    await d.resync();
    d.receive(at(3, assigned(2)));
    d.receive(at(2, assigned(1)));
    await flush();
    expect(ids(d)).toEqual([uuid(1), uuid(2)]);
    expect(d.currentVersion()).toBe(3);
  });

  it('ignores a snapshot older than what it already knows', async () => {
    const source = new FakeSource({ version: 1, assignments: [] });
    const d = new DesiredState(info, source);
    await d.resync();
    d.receive(at(2, assigned(1)));
    source.snapshot = { version: 1, assignments: [] };
    await d.resync();
    expect(ids(d)).toEqual([uuid(1)]);
    expect(d.currentVersion()).toBe(2);
  });

  it('adopts a newer snapshot on resync, which is how events missed while Kafka was down come back', async () => {
    const source = new FakeSource({ version: 1, assignments: [assignment(1)] });
    const d = new DesiredState(info, source);
    await d.resync();
    source.snapshot = { version: 5, assignments: [assignment(2), assignment(3)] };
    await d.resync();
    expect(ids(d)).toEqual([uuid(2), uuid(3)]);
    expect(d.currentVersion()).toBe(5);
  });

  it('releases an instance assigned and unassigned in one go, and says so though the desired set did not change', async () => {
    const changed = jest.fn();
    const d = new DesiredState(info, new FakeSource({ version: 1, assignments: [] }), changed);
    await d.resync();
    changed.mockClear();
    d.receive(at(3, unassigned(1)));
    d.receive(at(2, assigned(1)));
    expect([ids(d), changed.mock.calls.length]).toEqual([[], 1]);
    expect(d.takeReleased()).toEqual(new Map([[uuid(1), 'web']]));
    expect(d.takeReleased()).toEqual(new Map());
  });

  it('releases the assignments a newer snapshot no longer holds, and every one when the node is removed', async () => {
    const source = new FakeSource({ version: 2, assignments: [assignment(1), assignment(2), assignment(3)] });
    const d = new DesiredState(info, source);
    await d.resync();
    expect(d.takeReleased()).toEqual(new Map());
    source.snapshot = { version: 5, assignments: [assignment(2), assignment(3)] };
    await d.resync();
    expect([...d.takeReleased().keys()]).toEqual([uuid(1)]);
    const released = [2, 3].map((n) => ({ instanceId: uuid(n), app: 'web' }));
    d.receive(at(6, makeEvent('NodeRemoved', { nodeId: 'n1', reason: 'lost for 60 s', released })));
    expect([...d.takeReleased().keys()].sort()).toEqual([uuid(2), uuid(3)]);
  });

  it('calls onChange on the first snapshot and whenever the assignments change, not on duplicates', async () => {
    const changes: string[][] = [];
    const source = new FakeSource({ version: 1, assignments: [] });
    const d = new DesiredState(info, source, (a) => changes.push([...a.keys()]));
    await d.resync();
    d.receive(at(2, assigned(1)));
    d.receive(at(2, assigned(1)));
    d.receive(at(3, makeEvent('NodeRegistered', { ...info, labels: { zone: 'a' } })));
    source.snapshot = { version: 3, assignments: [assignment(1)] };
    await d.resync();
    expect(changes).toEqual([[], [uuid(1)]]);
  });

  it('shares one fetch between concurrent resyncs and fetches again for a call made during a fetch', async () => {
    const source = new FakeSource({ version: 1, assignments: [] });
    const d = new DesiredState(info, source);
    await Promise.all([d.resync(), d.resync(), d.resync()]);
    expect(source.calls).toBe(2);
  });

  it('replay equals live: any delivery order with duplicates ends where the in-order fold ends', async () => {
    const stream: NodeEvent[] = [assigned(1), assigned(2), unassigned(1), assigned(3), unassigned(2), assigned(4)];
    const delivery = fc.array(fc.integer({ min: 0, max: stream.length - 1 }), { maxLength: 30 });
    await fc.assert(
      fc.asyncProperty(delivery, fc.integer({ min: 0, max: stream.length }), async (order, snapshotAt) => {
        const inOrder = new DesiredState(info, new FakeSource({ version: 0, assignments: [] }));
        await inOrder.resync();
        stream.forEach((e, i) => inOrder.receive(at(i + 1, e)));

        // The snapshot reflects the first `snapshotAt` events; the rest arrive shuffled, duplicated, and finally all of them.
        const before = new DesiredState(info, new FakeSource({ version: 0, assignments: [] }));
        await before.resync();
        stream.slice(0, snapshotAt).forEach((e, i) => before.receive(at(i + 1, e)));
        const source = new FakeSource({ version: snapshotAt, assignments: [...before.assignments()!.values()] });
        const live = new DesiredState(info, source);
        order.forEach((i) => live.receive(at(i + 1, stream[i])));
        await live.resync();
        stream.forEach((e, i) => live.receive(at(i + 1, e)));
        await flush();
        expect(ids(live)).toEqual(ids(inOrder));
        expect(live.currentVersion()).toBe(stream.length);
      }),
    );
  });
});
