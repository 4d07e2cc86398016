import { makeEvent, MammothEvent, RecordedEvent } from '@mammoth/events';
import { eventFeed, FeedLog } from './event-feed';

const event = (position: number): RecordedEvent<MammothEvent> => ({
  streamId: 'app-web',
  streamVersion: position,
  position: String(position),
  event: makeEvent('AppScaled', { name: 'web', from: 0, to: position }),
  metadata: {
    eventId: '00000000-0000-4000-8000-000000000000',
    correlationId: 'c',
    causationId: null,
    actor: 't',
    timestamp: '2024-01-01T00:00:00.000Z',
  },
});

/** fakeLog holds visible positions and a safe position that the test moves, as commits and the watermark would. */
function fakeLog(visible: number[], safe: number) {
  let wake: () => void = () => undefined;
  const state = { visible: [...visible], safe: BigInt(safe) };
  const log: FeedLog = {
    read: async (after, limit) =>
      state.visible
        .filter((p) => p > Number(after))
        .sort((a, b) => a - b)
        .slice(0, limit)
        .map(event),
    watermark: {
      get position() {
        return state.safe;
      },
      changed: (ms, signal) =>
        new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, ms);
          signal?.addEventListener('abort', () => resolve());
        }),
    },
  };
  return {
    log,
    commit: (ps: number[], newSafe: number) => {
      state.visible.push(...ps);
      state.safe = BigInt(newSafe);
      wake();
    },
  };
}

async function take(it: AsyncGenerator<RecordedEvent<MammothEvent>>, n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) out.push(Number((await it.next()).value!.position));
  return out;
}

describe('eventFeed', () => {
  it('replays after a position in pages, then waits at the safe position for a late lower commit and delivers it in order', async () => {
    // 1..5 committed, 6 drawn but not committed yet, 7 committed: the watermark stays at 5.
    const { log, commit } = fakeLog([1, 2, 3, 4, 5, 7], 5);
    const ac = new AbortController();
    const feed = eventFeed(log, 1n, ac.signal, 2);
    expect(await take(feed, 4)).toEqual([2, 3, 4, 5]);
    const next = take(feed, 3);
    await new Promise((r) => setTimeout(r, 20));
    commit([6, 8], 8);
    expect(await next).toEqual([6, 7, 8]);
    ac.abort();
    expect((await feed.next()).done).toBe(true);
  });

  it('resumes after the last position seen with nothing repeated and nothing missed', async () => {
    const { log } = fakeLog([1, 2, 3, 4, 5, 6], 6);
    const ac = new AbortController();
    const first = await take(eventFeed(log, 0n, ac.signal, 4), 3);
    const rest = await take(eventFeed(log, BigInt(first[first.length - 1]), ac.signal, 4), 3);
    ac.abort();
    expect([...first, ...rest]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
