import { InstanceReport } from '../control-plane/control-plane.client';
import { GraphQLRequestError, isRefused } from '../control-plane/graphql-client';
import { ReportBatcher } from './report-batcher';

const report = (node: string, n: number): InstanceReport => ({
  instanceId: `${node}-i${n}`,
  app: 'web',
  nodeId: node,
  state: 'running',
  containerId: `c${n}`,
});

/** sink records each call; `refuse` refuses calls holding those instance ids, `down` fails every call. */
function sink() {
  const s = {
    calls: [] as string[][],
    refuse: new Set<string>(),
    down: false,
    async reportInstances(batch: readonly InstanceReport[]) {
      s.calls.push(batch.map((r) => r.instanceId));
      if (s.down) throw new Error('connection refused');
      if (batch.some((r) => s.refuse.has(r.instanceId)))
        throw new GraphQLRequestError('bad report', 'INVALID_ARGUMENT', 'containerId');
    },
  };
  return s;
}

const options = { maxBatch: 4, maxBytes: 100_000, lingerMs: 5, concurrency: 1, isRejected: isRefused };

describe('ReportBatcher', () => {
  it('merges the batches of many nodes into one call, in submission order', async () => {
    const s = sink();
    const b = new ReportBatcher(s, { ...options, maxBatch: 100 });
    await Promise.all([
      b.submit([report('a', 1), report('a', 2)]),
      b.submit([report('b', 1)]),
      b.submit([report('c', 1)]),
    ]);
    expect(s.calls).toEqual([['a-i1', 'a-i2', 'b-i1', 'c-i1']]);
  });

  it('never cuts a node batch, caps a call at maxBatch reports, and sends what waited as soon as a call returns', async () => {
    const s = sink();
    const b = new ReportBatcher(s, options);
    await Promise.all([
      b.submit([report('a', 1), report('a', 2), report('a', 3)]),
      b.submit([report('b', 1), report('b', 2)]),
      b.submit([report('c', 1), report('c', 2)]),
    ]);
    expect(s.calls).toEqual([
      ['a-i1', 'a-i2', 'a-i3'],
      ['b-i1', 'b-i2', 'c-i1', 'c-i2'],
    ]);
    expect(b.pending).toBe(0);
  });

  it('keeps a call under maxBytes of JSON', async () => {
    const s = sink();
    const oneBatch = JSON.stringify([report('a', 1), report('a', 2)]).length;
    const b = new ReportBatcher(s, { ...options, maxBatch: 100, maxBytes: oneBatch * 2 + 1 });
    await Promise.all(['a', 'b', 'c'].map((node) => b.submit([report(node, 1), report(node, 2)])));
    expect(s.calls).toEqual([
      ['a-i1', 'a-i2', 'b-i1', 'b-i2'],
      ['c-i1', 'c-i2'],
    ]);
  });

  it('fails every batch of a call that could not be delivered, for each node queue to retry', async () => {
    const s = sink();
    s.down = true;
    const b = new ReportBatcher(s, { ...options, maxBatch: 100 });
    const results = await Promise.allSettled([b.submit([report('a', 1)]), b.submit([report('b', 1)])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('splits a refused call into the nodes own batches, so only the node with the bad report hears the refusal', async () => {
    const s = sink();
    s.refuse.add('b-i1');
    const sent: string[] = [];
    const b = new ReportBatcher(s, {
      ...options,
      maxBatch: 100,
      onSent: (r) => sent.push(...r.map((x) => x.instanceId)),
    });
    const results = await Promise.allSettled([
      b.submit([report('a', 1)]),
      b.submit([report('b', 1)]),
      b.submit([report('c', 1)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(GraphQLRequestError);
    expect(s.calls).toEqual([['a-i1', 'b-i1', 'c-i1'], ['a-i1'], ['b-i1'], ['c-i1']]);
    expect(sent).toEqual(['a-i1', 'c-i1']);
  });
});
