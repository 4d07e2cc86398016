import { NodeSnapshot } from '../desired-state';
import { SnapshotBatcher } from './snapshot-batcher';

function source() {
  const s = {
    calls: [] as string[][],
    down: false,
    inFlight: 0,
    maxInFlight: 0,
    async fetchSnapshotsOf(ids: readonly string[]): Promise<Map<string, NodeSnapshot>> {
      s.calls.push([...ids]);
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      await new Promise((r) => setTimeout(r, 5));
      s.inFlight--;
      if (s.down) throw new Error('control plane down');
      return new Map(ids.filter((id) => id !== 'ghost').map((id, i) => [id, { version: i + 1, assignments: [] }]));
    },
  };
  return s;
}

describe('SnapshotBatcher', () => {
  it('merges the requests of many nodes into calls of at most maxBatch, a bounded number at a time', async () => {
    const src = source();
    const b = new SnapshotBatcher(src, { maxBatch: 3, lingerMs: 5, concurrency: 2 });
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const got = await Promise.all(ids.map((id) => b.sourceFor(id).fetchSnapshot()));
    expect(got.every((s) => s.version >= 1)).toBe(true);
    expect(src.calls).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect(src.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('answers a node that asked twice with the one call', async () => {
    const src = source();
    const b = new SnapshotBatcher(src, { maxBatch: 10, lingerMs: 5, concurrency: 1 });
    const [x, y] = await Promise.all([b.load('a'), b.load('a')]);
    expect(x).toBe(y);
    expect(src.calls).toEqual([['a']]);
  });

  it('fails every node of a failed call, and a node missing from the answer', async () => {
    const src = source();
    const b = new SnapshotBatcher(src, { maxBatch: 10, lingerMs: 5, concurrency: 1 });
    await expect(b.load('ghost')).rejects.toThrow(/no snapshot of node ghost/);
    src.down = true;
    const results = await Promise.allSettled([b.load('a'), b.load('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
