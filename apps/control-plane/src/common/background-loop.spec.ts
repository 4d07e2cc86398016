import { LoopBeats } from '@mammoth/platform';
import { BackgroundLoop, LogTail, LoopSpec, Pass, TailPage } from './background-loop';

/** FakeLog is an in-memory log of positions 1, 2, … carrying one item each; `broken` makes every read fail. */
class FakeLog implements LogTail<string> {
  readonly items: string[] = [];
  broken: Error | null = null;
  constructor(private readonly page = 100) {}

  async head(): Promise<string> {
    if (this.broken) throw this.broken;
    return String(this.items.length);
  }

  async after(position: string): Promise<TailPage<string>> {
    if (this.broken) throw this.broken;
    const items = this.items.slice(Number(position), Number(position) + this.page);
    const next = Number(position) + items.length;
    return { items, position: String(next), more: next < this.items.length };
  }
}

const WATCH = 100;
const SWEEP = 1_000;
const SILENCE = 10 * WATCH;

describe('BackgroundLoop (fake timers)', () => {
  let passes: Pass<string>[];
  let log: { log: jest.Mock; warn: jest.Mock };
  let loop: BackgroundLoop<string>;
  let beats: LoopBeats;
  let fail: Error | null;
  const start = (over: Partial<LoopSpec<string>> = {}) => {
    loop = new BackgroundLoop<string>({
      name: 'test',
      watchMs: WATCH,
      sweepMs: SWEEP,
      random: () => 0.5,
      log,
      beats,
      maxSilenceMs: SILENCE,
      pass: async (p) => {
        if (fail) throw fail;
        passes.push(p);
      },
      ...over,
    });
    loop.start();
  };

  beforeEach(() => {
    jest.useFakeTimers();
    passes = [];
    fail = null;
    log = { log: jest.fn(), warn: jest.fn() };
    beats = new LoopBeats(() => Date.now());
  });

  afterEach(async () => {
    await loop.stop();
    jest.useRealTimers();
  });

  it('sweeps first, then passes only what the tail found since the head, and sweeps again every sweepMs', async () => {
    const tail = new FakeLog();
    tail.items.push('before start');
    start({ tail });
    await jest.advanceTimersByTimeAsync(0);
    expect(passes).toEqual([{ sweep: true, changed: [] }]);

    tail.items.push('a', 'b');
    await jest.advanceTimersByTimeAsync(WATCH);
    expect(passes.slice(1)).toEqual([{ sweep: false, changed: ['a', 'b'] }]);

    await jest.advanceTimersByTimeAsync(5 * WATCH);
    expect(passes).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(SWEEP);
    expect(passes.slice(2)).toEqual([{ sweep: true, changed: [] }]);
  });

  it('reads a full page again at once, without pausing', async () => {
    const tail = new FakeLog(2);
    start({ tail });
    await jest.advanceTimersByTimeAsync(0);
    tail.items.push('a', 'b', 'c', 'd', 'e');
    await jest.advanceTimersByTimeAsync(WATCH);
    expect(passes.slice(1).map((p) => p.changed)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('logs a failing pass once, retries the same items and logs the recovery', async () => {
    const tail = new FakeLog();
    start({ tail });
    await jest.advanceTimersByTimeAsync(0);
    fail = new Error('database down');
    tail.items.push('x');
    await jest.advanceTimersByTimeAsync(10 * WATCH);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][0]).toMatch(/database down/);

    fail = null;
    await jest.advanceTimersByTimeAsync(WATCH);
    expect(passes.slice(1)).toEqual([{ sweep: true, changed: ['x'] }]);
    expect(log.log).toHaveBeenCalledWith('recovered');
  });

  it('beats at every good round; failing every round past its allowance fails the liveness probe with the error', async () => {
    const tail = new FakeLog();
    start({ tail });
    await jest.advanceTimersByTimeAsync(3 * SILENCE);
    expect(beats.probe().check()).toEqual({ loops: ['test'] });

    fail = new Error('database down');
    tail.items.push('x');
    await jest.advanceTimersByTimeAsync(SILENCE);
    expect(beats.silent()).toEqual([]);
    await jest.advanceTimersByTimeAsync(2 * WATCH);
    expect(beats.silent()).toEqual([{ name: 'test', silentMs: expect.any(Number), error: 'database down' }]);
    expect(() => beats.probe().check()).toThrow(/^test silent for \d+ ms \(last round failed: database down\)$/);

    fail = null;
    await jest.advanceTimersByTimeAsync(WATCH);
    expect(beats.silent()).toEqual([]);
  });

  it('fails the liveness probe when a round hangs past its allowance, and beats again once it ends', async () => {
    let release: (() => void) | null = null;
    start({
      pass: async (p) => {
        passes.push(p);
        if (passes.length === 2) await new Promise<void>((r) => (release = r));
      },
      due: () => passes.length === 1,
    });
    await jest.advanceTimersByTimeAsync(WATCH);
    expect(passes).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(SILENCE - WATCH);
    expect(beats.silent()).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(beats.silent()).toEqual([{ name: 'test', silentMs: SILENCE + 1 }]);
    release!();
    await jest.advanceTimersByTimeAsync(0);
    expect(beats.silent()).toEqual([]);
  });

  it('counts the silence from start when its first round never ends', async () => {
    let release!: (head: string) => void;
    const tail = new FakeLog();
    tail.head = () => new Promise<string>((r) => (release = r));
    start({ tail });
    await jest.advanceTimersByTimeAsync(SILENCE + 1);
    expect(() => beats.probe().check()).toThrow('test silent for 1001 ms');
    release('0');
    await jest.advanceTimersByTimeAsync(0);
    expect(beats.silent()).toEqual([]);
  });

  it('stops after the pass in flight and runs no other', async () => {
    let release!: () => void;
    start({
      pass: async (p) => {
        passes.push(p);
        await new Promise<void>((r) => (release = r));
      },
    });
    await jest.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    expect(loop.stopping).toBe(true);
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await jest.advanceTimersByTimeAsync(10 * SWEEP);
    expect(passes).toHaveLength(1);
    expect(beats.probe().check()).toEqual({ loops: [] });
  });
});
