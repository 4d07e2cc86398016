import { ApiError } from './errors';
import { follow, FollowStatus } from './follow';

interface Item {
  position: string;
}

/** A scripted source: each open() plays the next script, yielding its items then ending with its outcome. */
function scripted(scripts: { items: string[]; end: 'drop' | 'complete' | Error; hold?: boolean }[]) {
  const opened: string[] = [];
  const open = (after: string): AsyncIterable<Item> => {
    opened.push(after);
    const script = scripts.shift();
    return (async function* () {
      if (!script) return await new Promise<never>(() => undefined);
      for (const p of script.items) yield { position: p };
      if (script.end instanceof Error) throw script.end;
      if (script.end === 'drop') throw Object.assign(new Error('socket closed'), { code: 1006 });
    })();
  };
  return { open, opened };
}

async function collect(
  scripts: Parameters<typeof scripted>[0],
  after = '0',
  until = (items: string[]) => items.length >= 99,
) {
  const source = scripted(scripts);
  const items: string[] = [];
  const statuses: FollowStatus[] = [];
  const stop = new AbortController();
  const done = follow(source.open, {
    after,
    signal: stop.signal,
    retryDelayMs: () => 1,
    onItem: (i) => {
      items.push(i.position);
      if (until(items)) stop.abort();
    },
    onStatus: (s) => statuses.push(s),
  });
  return { done, items, statuses, opened: source.opened, stop };
}

describe('follow', () => {
  it('resumes after the last position seen when the stream drops', async () => {
    const run = await collect(
      [
        { items: ['5', '6'], end: 'drop' },
        { items: ['7'], end: 'drop' },
        { items: ['8', '9'], end: 'complete' },
      ],
      '4',
      (items) => items.length === 5,
    );
    await run.done;
    expect(run.items).toEqual(['5', '6', '7', '8', '9']);
    expect(run.opened).toEqual(['4', '6', '7']);
    expect(run.statuses).toContain('reconnecting');
  });

  it('passes each position once even when a resumed stream repeats what was seen', async () => {
    const run = await collect(
      [
        { items: ['1', '2', '3'], end: 'drop' },
        { items: ['2', '3', '4'], end: 'complete' },
      ],
      '0',
      (items) => items.length === 4,
    );
    await run.done;
    expect(run.items).toEqual(['1', '2', '3', '4']);
  });

  it('compares positions as 64-bit integers, not as strings', async () => {
    const run = await collect(
      [
        { items: ['9', '10'], end: 'drop' },
        { items: ['10', '11'], end: 'complete' },
      ],
      '8',
      (items) => items.length === 3,
    );
    await run.done;
    expect(run.items).toEqual(['9', '10', '11']);
    expect(run.opened).toEqual(['8', '10']);
  });

  it('rejects on an API error a retry cannot fix, without reopening', async () => {
    const run = await collect([
      { items: [], end: new ApiError('after: must be a log position', 'INVALID_ARGUMENT', 'after') },
    ]);
    await expect(run.done).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'after' });
    expect(run.opened).toHaveLength(1);
  });

  it('retries an UNAVAILABLE API error', async () => {
    const run = await collect(
      [
        { items: [], end: new ApiError('the event store is unavailable', 'UNAVAILABLE') },
        { items: ['1'], end: 'complete' },
      ],
      '0',
      (items) => items.length === 1,
    );
    await run.done;
    expect(run.items).toEqual(['1']);
  });

  it('ends when the signal aborts while waiting for events', async () => {
    const run = await collect([]);
    run.stop.abort();
    await expect(run.done).resolves.toBeUndefined();
  });
});
