import fc from 'fast-check';
import { AppendUnit } from './append-unit';
import { GroupCommit, takeBatch, UnitOutcome } from './group-commit';

const unit = (streams: string[], bytes = 10): AppendUnit => ({
  writes: streams.map((streamId) => ({ streamId, expected: null, n: 1 })),
  rows: '',
  bytes,
});
const queued = (name: string, streams: string[], bytes = 10) => ({ name, unit: unit(streams, bytes) });
const names = (xs: { name: string }[]) => xs.map((x) => x.name);
const roomy = { maxCommands: 100, maxBytes: 1000 };
const flush = () => new Promise((r) => setImmediate(r));

describe('takeBatch', () => {
  it.each([
    {
      case: 'takes everything stream-disjoint',
      queue: [queued('a', ['s1']), queued('b', ['s2', 's3'])],
      busy: [],
      batch: ['a', 'b'],
    },
    {
      case: 'leaves a second write to a stream for the next batch, and every later unit sharing a stream with it',
      queue: [queued('a', ['s1']), queued('b', ['s1', 's2']), queued('c', ['s2']), queued('d', ['s3'])],
      busy: [],
      batch: ['a', 'd'],
    },
    {
      case: 'leaves units on a stream of a batch in flight',
      queue: [queued('a', ['s1']), queued('b', ['s2'])],
      busy: ['s1'],
      batch: ['b'],
    },
    {
      case: 'stops at the command limit',
      queue: [queued('a', ['s1']), queued('b', ['s2']), queued('c', ['s3'])],
      busy: [],
      limits: { maxCommands: 2, maxBytes: 1000 },
      batch: ['a', 'b'],
    },
    {
      case: 'stops at the byte limit, but a unit larger than the limit still goes alone',
      queue: [queued('a', ['s1'], 5000), queued('b', ['s2'], 10)],
      busy: [],
      batch: ['a'],
    },
  ])('$case', ({ queue, busy, limits, batch }) => {
    const taken = takeBatch(queue, new Set(busy), limits ?? roomy);
    expect(names(taken.batch)).toEqual(batch);
    expect(names(taken.rest)).toEqual(names(queue).filter((n) => !batch.includes(n)));
  });

  it('takes a stream-disjoint batch within the limits and keeps every stream in order (property)', () => {
    const streams = fc.uniqueArray(fc.constantFrom('s1', 's2', 's3', 's4', 's5'), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(streams, fc.integer({ min: 1, max: 400 })), { maxLength: 12 }),
        fc.uniqueArray(fc.constantFrom('s1', 's2', 's3', 's4', 's5'), { maxLength: 2 }),
        fc.integer({ min: 1, max: 5 }),
        (specs, busy, maxCommands) => {
          const queue = specs.map(([s, bytes], i) => queued(`u${i}`, s, bytes));
          const { batch, rest } = takeBatch(queue, new Set(busy), { maxCommands, maxBytes: 1000 });
          expect(new Set([...names(batch), ...names(rest)])).toEqual(new Set(names(queue)));
          const touched = batch.flatMap((b) => b.unit.writes.map((w) => w.streamId));
          expect(new Set(touched).size).toBe(touched.length);
          expect(touched.filter((s) => busy.includes(s))).toEqual([]);
          expect(batch.length).toBeLessThanOrEqual(maxCommands);
          if (batch.length > 1) expect(batch.reduce((n, b) => n + b.unit.bytes, 0)).toBeLessThanOrEqual(1000);
          // No unit overtakes an earlier one on the same stream.
          for (const taken of batch) {
            const before = queue.slice(0, queue.indexOf(taken));
            const own = taken.unit.writes.map((w) => w.streamId);
            for (const left of rest.filter((r) => before.includes(r)))
              expect(left.unit.writes.some((w) => own.includes(w.streamId))).toBe(false);
          }
          if (queue.length > 0 && busy.length === 0) expect(batch.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('GroupCommit', () => {
  /** FakeCommit records each batch and settles it when the test says so. */
  class FakeCommit {
    readonly batches: { units: readonly AppendUnit[]; settle: (o: UnitOutcome[] | Error) => void }[] = [];
    readonly commit = (units: readonly AppendUnit[]) =>
      new Promise<UnitOutcome[]>((resolve, reject) =>
        this.batches.push({ units, settle: (o) => (o instanceof Error ? reject(o) : resolve(o)) }),
      );
  }

  it('commits appends made in the same turn together, and settles each caller with its own outcome', async () => {
    const fake = new FakeCommit();
    const group = new GroupCommit(fake.commit, { maxCommands: 10, maxBytes: 1000, maxInFlight: 1 });
    const a = group.submit(unit(['s1']));
    const b = group.submit(unit(['s2']));
    await flush();
    expect(fake.batches.map((x) => x.units.length)).toEqual([2]);
    const conflict = new Error('conflict on s2');
    fake.batches[0].settle([['1'], conflict]);
    await expect(a).resolves.toEqual(['1']);
    await expect(b).rejects.toBe(conflict);
    expect(group.stats).toEqual({ batches: 1, commands: 2 });
  });

  it('commits a lone caller at once, and groups what arrives while a batch is in flight into the next one', async () => {
    const fake = new FakeCommit();
    const group = new GroupCommit(fake.commit, { maxCommands: 10, maxBytes: 1000, maxInFlight: 1 });
    const first = group.submit(unit(['s1']));
    await flush();
    expect(fake.batches).toHaveLength(1);
    const later = [group.submit(unit(['s1'])), group.submit(unit(['s2'])), group.submit(unit(['s3']))];
    await flush();
    expect(fake.batches).toHaveLength(1);
    fake.batches[0].settle([['1']]);
    await first;
    await flush();
    expect(fake.batches.map((x) => x.units.length)).toEqual([1, 3]);
    fake.batches[1].settle([['2'], ['3'], ['4']]);
    expect(await Promise.all(later)).toEqual([['2'], ['3'], ['4']]);
  });

  it('overlaps batches up to the in-flight limit, never two on one stream', async () => {
    const fake = new FakeCommit();
    const group = new GroupCommit(fake.commit, { maxCommands: 1, maxBytes: 1000, maxInFlight: 2 });
    const calls = [group.submit(unit(['s1'])), group.submit(unit(['s1'])), group.submit(unit(['s2']))];
    await flush();
    expect(fake.batches.map((x) => x.units[0].writes[0].streamId)).toEqual(['s1', 's2']);
    fake.batches[0].settle([['1']]);
    await calls[0];
    await flush();
    expect(fake.batches.map((x) => x.units[0].writes[0].streamId)).toEqual(['s1', 's2', 's1']);
    fake.batches[1].settle([['2']]);
    fake.batches[2].settle([['3']]);
    expect(await Promise.all(calls)).toEqual([['1'], ['3'], ['2']]);
  });

  it('rejects every caller of a batch whose fate is unknown, and goes on with the next batch', async () => {
    const fake = new FakeCommit();
    const group = new GroupCommit(fake.commit, { maxCommands: 10, maxBytes: 1000, maxInFlight: 1 });
    const lost = [group.submit(unit(['s1'])), group.submit(unit(['s2']))];
    await flush();
    const next = group.submit(unit(['s1']));
    fake.batches[0].settle(new Error('connection terminated'));
    for (const p of lost) await expect(p).rejects.toThrow('connection terminated');
    await flush();
    expect(fake.batches).toHaveLength(2);
    fake.batches[1].settle([['9']]);
    await expect(next).resolves.toEqual(['9']);
  });
});
