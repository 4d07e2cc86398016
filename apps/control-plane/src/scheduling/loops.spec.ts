import { LOOP_SILENCE_MS, LoopBeats } from '@mammoth/platform';
import { Loops } from './loops';

const WATCH = 500;
const quiet = { log: () => undefined, warn: () => undefined };

describe('Loops (fake timers)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("reports every loop it makes to the process's liveness probe, naming a loop whose rounds keep failing", async () => {
    const beats = new LoopBeats(() => Date.now());
    const loops = new Loops(() => 0.5, beats);
    let broken = false;
    const made = [
      loops.create({ name: 'rollout', watchMs: WATCH, sweepMs: 0, log: quiet, pass: async () => undefined }),
      loops.create({
        name: 'instance-repair',
        watchMs: WATCH,
        sweepMs: 0,
        log: quiet,
        pass: async () => {
          if (broken) throw new Error('no such table: events');
        },
      }),
    ];
    made.forEach((l) => l.start());
    await jest.advanceTimersByTimeAsync(2 * LOOP_SILENCE_MS);
    expect(beats.probe().check()).toEqual({ loops: ['rollout', 'instance-repair'] });

    broken = true;
    await jest.advanceTimersByTimeAsync(LOOP_SILENCE_MS + WATCH);
    expect(beats.probe().check()).toEqual({ loops: ['rollout', 'instance-repair'] });
    await jest.advanceTimersByTimeAsync(WATCH);
    expect(() => beats.probe().check()).toThrow(
      /^instance-repair silent for \d+ ms \(last round failed: no such table: events\)$/,
    );

    await Promise.all(made.map((l) => l.stop()));
    expect(beats.probe().check()).toEqual({ loops: [] });
  });
});
