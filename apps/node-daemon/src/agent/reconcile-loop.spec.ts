import { Assignment } from '@mammoth/domain';
import { InstanceReport } from '../control-plane/control-plane.client';
import { FakeRuntime } from '../testing/fake-runtime';
import { ReconcileLoop } from './reconcile-loop';
import { ReportQueue } from './report-queue';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const assignment = (n: number): Assignment => ({
  instanceId: uuid(n),
  app: 'web',
  package: { name: 'web', version: '1', digest: `sha256:${'a'.repeat(64)}`, format: 'image', imageRef: 'web:1' },
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  port: 31000 + n,
  env: {},
});
const desiredOf = (...ns: number[]) => new Map(ns.map((n) => [uuid(n), assignment(n)]));

/** setup builds a loop over a fake runtime and a report sink that records what reached the control plane. */
function setup(initial: Map<string, Assignment> | null = desiredOf()) {
  let now = 1_000_000;
  const runtime = new FakeRuntime(() => now);
  const sent: InstanceReport[] = [];
  const sink = {
    fail: false,
    reportInstances: async (r: readonly InstanceReport[]) => {
      if (sink.fail) throw new Error('control plane down');
      sent.push(...r);
    },
  };
  const logs: string[] = [];
  const state = { desired: initial, released: new Map<string, string>() };
  const loop = new ReconcileLoop({
    nodeId: 'n1',
    runtime,
    reports: new ReportQueue(sink),
    desired: () => state.desired,
    released: () => {
      const taken = state.released;
      state.released = new Map();
      return taken;
    },
    log: (m) => logs.push(m),
    now: () => now,
  });
  const settle = async () => {
    await loop.trigger();
    await loop.drain();
  };
  return { runtime, sent, sink, logs, state, loop, settle, advance: (ms: number) => (now += ms) };
}

const states = (sent: InstanceReport[]) => sent.map((r) => `${r.instanceId.slice(-1)}:${r.state}`);

describe('ReconcileLoop', () => {
  it('does nothing while the desired state is unknown, even with containers around', async () => {
    const t = setup(null);
    t.runtime.add(uuid(1), 'running');
    await t.settle();
    expect(t.runtime.calls).toMatchObject({ start: 0, stop: 0 });
  });

  it('starts what is desired, reports it running once, and leaves it alone on later passes', async () => {
    const t = setup(desiredOf(1, 2));
    await t.settle();
    await t.settle();
    expect(
      t.runtime
        .running()
        .map((c) => c.instanceId)
        .sort(),
    ).toEqual([uuid(1), uuid(2)]);
    expect(t.runtime.calls.start).toBe(2);
    expect(states(t.sent).sort()).toEqual(['1:running', '2:running']);
    expect(t.sent[0]).toMatchObject({ nodeId: 'n1', app: 'web', containerId: expect.stringMatching(/^c\d+$/) });
    expect(t.logs).toContainEqual(
      expect.stringMatching(/^started instance .*1 \(web\) on port 31001 as container c\d+$/),
    );
  });

  it('never starts a duplicate while a slow start is in flight and passes keep coming', async () => {
    const t = setup(desiredOf(1));
    let release!: () => void;
    t.runtime.holdStarts = new Promise((r) => (release = r));
    const passes = [t.loop.trigger(), t.loop.trigger(), t.loop.trigger()];
    await Promise.all(passes);
    await t.loop.trigger();
    await t.loop.trigger();
    release();
    await t.loop.drain();
    await t.settle();
    expect(t.runtime.calls.start).toBe(1);
    expect(t.runtime.calls.maxConcurrentStarts).toBe(1);
    expect(t.runtime.running(uuid(1))).toHaveLength(1);
  });

  it('adopts running containers after a daemon restart: no new start, a running report', async () => {
    const t = setup(desiredOf(1));
    const id = t.runtime.add(uuid(1), 'running');
    await t.settle();
    expect(t.runtime.calls.start).toBe(0);
    expect(t.sent).toEqual([expect.objectContaining({ instanceId: uuid(1), state: 'running', containerId: id })]);
    expect(t.logs).toContainEqual(expect.stringContaining(`adopted running container ${id}`));
  });

  it('keeps one of duplicate containers and stops the rest, without reporting the instance stopped', async () => {
    const t = setup(desiredOf(1));
    t.runtime.add(uuid(1), 'running', null, 1);
    const newest = t.runtime.add(uuid(1), 'running', null, 2);
    await t.settle();
    expect(t.runtime.running().map((c) => c.containerId)).toEqual([newest]);
    expect(states(t.sent)).toEqual(['1:running']);
  });

  it('reports an exited container with its exit code, then restarts it', async () => {
    const t = setup(desiredOf(1));
    await t.settle();
    const [first] = t.runtime.running(uuid(1));
    t.runtime.kill(first.containerId, 3);
    await t.settle();
    const [second] = t.runtime.running(uuid(1));
    expect(second.containerId).not.toBe(first.containerId);
    expect(t.runtime.containers.has(first.containerId)).toBe(false);
    expect(t.sent.map((r) => [r.state, r.containerId, r.exitCode])).toEqual([
      ['running', first.containerId, undefined],
      ['exited', first.containerId, 3],
      ['running', second.containerId, undefined],
    ]);
  });

  it('backs off a crash loop: the second restart in a row waits', async () => {
    const t = setup(desiredOf(1));
    await t.settle();
    t.runtime.kill(t.runtime.running()[0].containerId, 1);
    await t.settle();
    t.runtime.kill(t.runtime.running()[0].containerId, 1);
    await t.settle();
    expect(t.runtime.running()).toHaveLength(0);
    t.advance(1000);
    await t.settle();
    expect(t.runtime.running()).toHaveLength(1);
    expect(t.runtime.calls.start).toBe(3);
  });

  it('stops containers nobody wants and reports them stopped once', async () => {
    const t = setup(desiredOf(1));
    await t.settle();
    const [c] = t.runtime.running();
    t.state.desired = desiredOf();
    await t.settle();
    await t.settle();
    expect(t.runtime.containers.size).toBe(0);
    expect(t.sent.map((r) => [r.state, r.containerId])).toEqual([
      ['running', c.containerId],
      ['stopped', c.containerId],
    ]);
  });

  it('reports a failed image with its reason, once, retries on a later pass with backoff, and starts once the image loads', async () => {
    const t = setup(desiredOf(1));
    t.runtime.failImage = 'blob sha256 mismatch';
    await t.settle();
    await t.settle(); // first failure retries on the next pass
    await t.settle(); // second failure waits 1 s
    expect(t.runtime.calls.ensureImage).toBe(2);
    expect(t.sent).toEqual([
      expect.objectContaining({ state: 'failed', reason: 'image: blob sha256 mismatch (web:1)' }),
    ]);
    t.runtime.failImage = null;
    t.advance(1000);
    await t.settle();
    expect(t.runtime.running()).toHaveLength(1);
    expect(states(t.sent)).toEqual(['1:failed', '1:running']);
  });

  it('keeps reports that could not be sent and sends them on a later pass, in order', async () => {
    const t = setup(desiredOf(1));
    t.sink.fail = true;
    await t.settle();
    t.state.desired = desiredOf();
    await t.settle();
    expect(t.sent).toEqual([]);
    t.sink.fail = false;
    await t.settle();
    expect(states(t.sent)).toEqual(['1:running', '1:stopped']);
  });

  it('reports stopped, once, for an instance released before any pass started it (assigned and unassigned at once)', async () => {
    const t = setup(desiredOf(1));
    await t.settle();
    t.state.released = new Map([[uuid(2), 'web']]);
    await t.settle();
    await t.settle();
    expect(t.runtime.calls.start).toBe(1);
    expect(states(t.sent)).toEqual(['1:running', '2:stopped']);
    expect(t.sent[1]).toMatchObject({ app: 'web', nodeId: 'n1' });
  });

  it('reports a released instance stopped only once it stopped the container a slow start left', async () => {
    const t = setup(desiredOf(1));
    let release!: () => void;
    t.runtime.holdStarts = new Promise((r) => (release = r));
    const first = t.loop.trigger();
    await first;
    t.state.desired = desiredOf();
    t.state.released = new Map([[uuid(1), 'web']]);
    await t.loop.trigger();
    release();
    await t.settle();
    expect(t.runtime.containers.size).toBe(0);
    expect(states(t.sent)).toEqual(['1:running', '1:stopped']);
  });

  it('reports stopped for an instance unassigned while its start kept failing', async () => {
    const t = setup(desiredOf(1));
    t.runtime.failImage = 'no such blob';
    await t.settle();
    t.state.desired = desiredOf();
    await t.settle();
    expect(states(t.sent)).toEqual(['1:failed', '1:stopped']);
  });
});
