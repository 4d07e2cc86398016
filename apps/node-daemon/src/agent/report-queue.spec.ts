import { InstanceReport } from '../control-plane/control-plane.client';
import { GraphQLRequestError, isRefused } from '../control-plane/graphql-client';
import { ReportQueue } from './report-queue';

const report = (n: number): InstanceReport => ({
  instanceId: `i${n}`,
  app: 'web',
  nodeId: 'n1',
  state: 'running',
  containerId: `c${n}`,
});

/** sink records delivered reports; `down` fails everything, `refuse` refuses batches holding those instance ids. */
function sink() {
  const s = {
    down: false,
    refuse: new Set<string>(),
    delivered: [] as string[],
    calls: 0,
    async reportInstances(batch: readonly InstanceReport[]) {
      s.calls++;
      if (s.down) throw new Error('connection refused');
      if (batch.some((r) => s.refuse.has(r.instanceId)))
        throw new GraphQLRequestError('no such instance', 'NOT_FOUND', 'instanceId');
      s.delivered.push(...batch.map((r) => r.instanceId));
    },
  };
  return s;
}

describe('ReportQueue', () => {
  it('sends queued reports in order as one batch', async () => {
    const s = sink();
    const q = new ReportQueue(s);
    [1, 2, 3].forEach((n) => q.push(report(n)));
    await q.flush();
    expect(s.delivered).toEqual(['i1', 'i2', 'i3']);
    expect(s.calls).toBe(1);
    expect(q.pending).toBe(0);
  });

  it('keeps everything when the control plane is unreachable and sends it, in order, on a later flush', async () => {
    const s = sink();
    const errors: number[] = [];
    const q = new ReportQueue(s, (_e, pending) => errors.push(pending), isRefused);
    q.push(report(1));
    s.down = true;
    await q.flush();
    q.push(report(2));
    await q.flush();
    expect(errors).toEqual([1, 2]);
    s.down = false;
    await q.flush();
    expect(s.delivered).toEqual(['i1', 'i2']);
  });

  it('drops only the reports the control plane refuses, so one bad report cannot block the others', async () => {
    const s = sink();
    const refused: string[] = [];
    const q = new ReportQueue(
      s,
      () => undefined,
      isRefused,
      (r) => refused.push(r.instanceId),
    );
    [1, 2, 3].forEach((n) => q.push(report(n)));
    s.refuse.add('i2');
    await q.flush();
    expect(s.delivered).toEqual(['i1', 'i3']);
    expect(refused).toEqual(['i2']);
    expect(q.pending).toBe(0);
  });

  it('shares one run between concurrent flushes', async () => {
    const s = sink();
    const q = new ReportQueue(s);
    q.push(report(1));
    await Promise.all([q.flush(), q.flush()]);
    expect(s.calls).toBe(1);
  });
});
