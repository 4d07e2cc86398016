import fc from 'fast-check';
import { Assignment } from '@mammoth/domain';
import { ActualContainer, ContainerStatus } from '../runtime/container-runtime';
import { isSettled, reconcile, ReconcilePlan } from './reconcile';

const assignment = (instanceId: string): Assignment => ({
  instanceId,
  app: 'web',
  package: { name: 'web', version: '1', digest: `sha256:${'a'.repeat(64)}`, format: 'image', imageRef: 'web:1' },
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  port: 31000,
  env: {},
});
const container = (
  containerId: string,
  instanceId: string,
  status: ContainerStatus,
  createdAt = 0,
): ActualContainer => ({
  containerId,
  instanceId,
  app: 'web',
  status,
  createdAt,
});
const desiredOf = (...ids: string[]) => new Map(ids.map((id) => [id, assignment(id)]));

/** ids flattens a plan to ids, which is what the table compares. */
const ids = (p: ReconcilePlan) => ({
  start: p.start.map((a) => a.instanceId),
  restart: p.restart.map((b) => `${b.assignment.instanceId}:${b.container.containerId}`),
  stop: p.stop.map((c) => c.containerId),
  keep: p.keep.map((b) => `${b.assignment.instanceId}:${b.container.containerId}`),
});

describe('reconcile', () => {
  const none = { start: [], restart: [], stop: [], keep: [] };
  it.each([
    ['nothing desired, nothing running', desiredOf(), [], none],
    ['desired without container: start', desiredOf('i1'), [], { ...none, start: ['i1'] }],
    [
      'running container of a desired instance: keep',
      desiredOf('i1'),
      [container('c1', 'i1', 'running')],
      { ...none, keep: ['i1:c1'] },
    ],
    [
      'container of an undesired instance: stop',
      desiredOf(),
      [container('c1', 'i1', 'running')],
      { ...none, stop: ['c1'] },
    ],
    [
      'exited container of an undesired instance: stop (remove)',
      desiredOf(),
      [container('c1', 'i1', 'exited')],
      { ...none, stop: ['c1'] },
    ],
    [
      'exited container of a desired instance: restart',
      desiredOf('i1'),
      [container('c1', 'i1', 'exited')],
      { ...none, restart: ['i1:c1'] },
    ],
    [
      'created, never started, container of a desired instance: restart',
      desiredOf('i1'),
      [container('c1', 'i1', 'created')],
      { ...none, restart: ['i1:c1'] },
    ],
    [
      'duplicates: the running one is kept even when older',
      desiredOf('i1'),
      [container('c1', 'i1', 'exited', 20), container('c2', 'i1', 'running', 10)],
      { ...none, keep: ['i1:c2'], stop: ['c1'] },
    ],
    [
      'duplicates all running: the newest is kept',
      desiredOf('i1'),
      [
        container('c1', 'i1', 'running', 10),
        container('c2', 'i1', 'running', 30),
        container('c3', 'i1', 'running', 20),
      ],
      { ...none, keep: ['i1:c2'], stop: ['c1', 'c3'] },
    ],
    [
      'duplicates none running: the newest is restarted, the rest stopped',
      desiredOf('i1'),
      [container('c1', 'i1', 'exited', 10), container('c2', 'i1', 'exited', 30)],
      { ...none, restart: ['i1:c2'], stop: ['c1'] },
    ],
    [
      'a mix',
      desiredOf('i1', 'i2', 'i3'),
      [container('c1', 'i1', 'running'), container('c3', 'i3', 'exited'), container('c4', 'i4', 'running')],
      { start: ['i2'], restart: ['i3:c3'], stop: ['c4'], keep: ['i1:c1'] },
    ],
  ] as const)('%s', (_name, desired, actual, expected) => {
    expect(ids(reconcile(desired, actual))).toEqual(expected);
  });

  it('is settled only when there is nothing to start, restart or stop', () => {
    expect(isSettled(reconcile(desiredOf('i1'), [container('c1', 'i1', 'running')]))).toBe(true);
    expect(isSettled(reconcile(desiredOf('i1'), []))).toBe(false);
    expect(isSettled(reconcile(desiredOf(), [container('c1', 'i1', 'exited')]))).toBe(false);
  });
});

/** apply plays a plan against the containers the way a runtime would: stopped ones vanish, started ones run. */
function apply(plan: ReconcilePlan, actual: readonly ActualContainer[], fresh: () => string): ActualContainer[] {
  const gone = new Set([...plan.stop, ...plan.restart.map((b) => b.container)].map((c) => c.containerId));
  const started = [...plan.start, ...plan.restart.map((b) => b.assignment)].map((a) =>
    container(fresh(), a.instanceId, 'running', 1e9),
  );
  return [...actual.filter((c) => !gone.has(c.containerId)), ...started];
}

describe('reconcile (properties)', () => {
  const instanceIds = fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5');
  const world = fc.record({
    desired: fc.uniqueArray(instanceIds),
    actual: fc.array(
      fc.record({
        instanceId: instanceIds,
        status: fc.constantFrom<ContainerStatus>('running', 'exited', 'created', 'other'),
        createdAt: fc.nat(100),
      }),
      { maxLength: 10 },
    ),
  });
  const build = (w: {
    desired: string[];
    actual: { instanceId: string; status: ContainerStatus; createdAt: number }[];
  }) => ({
    desired: desiredOf(...w.desired),
    actual: w.actual.map((c, i) => container(`c${i}`, c.instanceId, c.status, c.createdAt)),
  });

  it('accounts for every container and every desired instance exactly once', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { desired, actual } = build(w);
        const p = reconcile(desired, actual);
        const seen = [...p.stop, ...p.keep.map((b) => b.container), ...p.restart.map((b) => b.container)].map(
          (c) => c.containerId,
        );
        expect(seen.sort()).toEqual(actual.map((c) => c.containerId).sort());
        const served = [...p.start, ...p.keep.map((b) => b.assignment), ...p.restart.map((b) => b.assignment)].map(
          (a) => a.instanceId,
        );
        expect(served.sort()).toEqual([...desired.keys()].sort());
      }),
    );
  });

  it('applied twice equals applied once: after one application the plan is settled and keeps exactly the desired set', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { desired, actual } = build(w);
        let n = 0;
        const once = apply(reconcile(desired, actual), actual, () => `new${n++}`);
        const second = reconcile(desired, once);
        expect(isSettled(second)).toBe(true);
        expect(apply(second, once, () => `new${n++}`)).toEqual(once);
        expect(second.keep.map((b) => b.assignment.instanceId)).toEqual([...desired.keys()].sort());
      }),
    );
  });
});
