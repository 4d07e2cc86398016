import { Probe } from './probe';

/** LOOP_SILENCE_MS is the usual allowance of a loop without a good round: long enough for a slow round, short enough to catch a hung loop. */
export const LOOP_SILENCE_MS = 120_000;

interface Loop {
  readonly maxSilenceMs: number;
  last: number;
  error: string | null;
}

/** Silent is a loop that went without a good round for longer than it may, with how long and its last round's error. */
export interface Silent {
  readonly name: string;
  readonly silentMs: number;
  readonly error?: string;
}

/**
 * LoopBeats is a process's liveness: each background loop beats every time it goes round, naming the longest silence it
 * may keep; once a loop has beaten, a silence longer than that (hung on a call, dead, or failing every round it makes)
 * makes the liveness probe fail, naming the loop and its last error.
 */
export class LoopBeats {
  private readonly loops = new Map<string, Loop>();

  constructor(private readonly now: () => number = Date.now) {}

  /** beat records a good round of the named loop; the first one starts watching it. */
  beat(name: string, maxSilenceMs: number): void {
    const loop = this.loops.get(name);
    if (loop) {
      loop.last = this.now();
      loop.error = null;
    } else this.loops.set(name, { maxSilenceMs, last: this.now(), error: null });
  }

  /** failed records a round of the named loop that failed: it keeps the error, and the silence goes on (or starts). */
  failed(name: string, maxSilenceMs: number, error: string): void {
    const loop = this.loops.get(name);
    if (loop) loop.error = error;
    else this.loops.set(name, { maxSilenceMs, last: this.now(), error });
  }

  /** forget stops watching a loop that was stopped on purpose. */
  forget(name: string): void {
    this.loops.delete(name);
  }

  /** silent lists the loops silent for longer than they may be, with how long and, if their last round failed, why. */
  silent(): Silent[] {
    const now = this.now();
    return [...this.loops]
      .filter(([, l]) => now - l.last > l.maxSilenceMs)
      .map(([name, l]) => ({ name, silentMs: now - l.last, ...(l.error === null ? {} : { error: l.error }) }));
  }

  /** probe is the liveness probe over every registered loop. */
  probe(): Probe {
    return {
      name: 'loops',
      check: () => {
        const silent = this.silent();
        if (silent.length) throw new Error(silent.map(describe).join(', '));
        return { loops: [...this.loops.keys()] };
      },
    };
  }
}

function describe(l: Silent): string {
  return `${l.name} silent for ${l.silentMs} ms${l.error === undefined ? '' : ` (last round failed: ${l.error})`}`;
}
