import { Probe } from './probe';

interface Loop {
  readonly maxSilenceMs: number;
  last: number;
}

/**
 * LoopBeats is a process's liveness: each background loop beats every time it goes round, naming the longest silence it
 * may keep; once a loop has beaten, a silence longer than that (hung on a call, or dead) makes the liveness probe fail.
 */
export class LoopBeats {
  private readonly loops = new Map<string, Loop>();

  constructor(private readonly now: () => number = Date.now) {}

  /** beat records a round of the named loop; the first one starts watching it. */
  beat(name: string, maxSilenceMs: number): void {
    const loop = this.loops.get(name);
    if (loop) loop.last = this.now();
    else this.loops.set(name, { maxSilenceMs, last: this.now() });
  }

  /** silent lists the loops silent for longer than they may be, with how long. */
  silent(): { name: string; silentMs: number }[] {
    const now = this.now();
    return [...this.loops]
      .map(([name, l]) => ({ name, silentMs: now - l.last, max: l.maxSilenceMs }))
      .filter((l) => l.silentMs > l.max)
      .map(({ name, silentMs }) => ({ name, silentMs }));
  }

  /** probe is the liveness probe over every registered loop. */
  probe(): Probe {
    return {
      name: 'loops',
      check: () => {
        const silent = this.silent();
        if (silent.length) throw new Error(silent.map((l) => `${l.name} silent for ${l.silentMs} ms`).join(', '));
        return { loops: [...this.loops.keys()] };
      },
    };
  }
}
