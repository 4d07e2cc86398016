import { Logger } from '@nestjs/common';
import { Alarm } from '@mammoth/event-store';
import { LOOP_SILENCE_MS, LoopBeats } from '@mammoth/platform';

/** TailPage is what a log tail found after a position: its items, where to read after next time, and whether more wait. */
export interface TailPage<T> {
  readonly items: readonly T[];
  readonly position: string;
  readonly more: boolean;
}

/** LogTail is where a loop learns what changed: the log's head when it starts, then each page after its position. */
export interface LogTail<T> {
  head(): Promise<string>;
  after(position: string): Promise<TailPage<T>>;
}

/** Pass is one run of a loop's body: whether it is a sweep (look at everything) and what the tail found since the last. */
export interface Pass<T> {
  readonly sweep: boolean;
  readonly changed: readonly T[];
}

/** LoopSpec says what a BackgroundLoop runs and when; durations in milliseconds. */
export interface LoopSpec<T> {
  readonly name: string;
  /** watchMs is the pause between passes: how often the tail is read (wake() cuts it short). */
  readonly watchMs: number;
  /** sweepMs is how often a pass is a sweep (the first pass always is); 0 makes every pass one. */
  readonly sweepMs: number;
  /** jitterMs delays each pass with work by a random 0..jitterMs and spreads sweeps by as much, so processes drift apart. */
  readonly jitterMs?: number;
  readonly tail?: LogTail<T>;
  /** due says the body has work of its own now (a wait it remembers has ended), without the log saying so. */
  readonly due?: () => boolean;
  readonly pass: (pass: Pass<T>) => Promise<void>;
  readonly random?: () => number;
  readonly log?: Pick<Logger, 'log' | 'warn'>;
  /** beats is the process's liveness: each round reports there, a good one as a beat and a failed one with its error. */
  readonly beats?: Pick<LoopBeats, 'beat' | 'failed' | 'forget'>;
  /** maxSilenceMs is how long the loop may go without a good round (default LOOP_SILENCE_MS and one pause more). */
  readonly maxSilenceMs?: number;
}

/**
 * BackgroundLoop runs a pass whenever the log tail shows something new, its body says work is due, or a sweep is due, then
 * pauses `watchMs`. A failing pass is logged once (not at every retry) and is retried from the same tail position until
 * it succeeds, which is logged too. Every round reports to `beats`, so a loop hung in a round, or failing every round,
 * for longer than `maxSilenceMs` fails the process's liveness probe under its name. stop() ends the loop after the pass
 * in flight (a pass checks `stopping` between items) and stops its watch.
 */
export class BackgroundLoop<T = never> {
  private readonly alarm = new Alarm();
  private readonly log: Pick<Logger, 'log' | 'warn'>;
  private readonly random: () => number;
  private readonly maxSilenceMs: number;
  private running: Promise<void> | null = null;
  private position: string | null = null;
  private nextSweepAt = 0;
  private error: string | null = null;
  private stopped = false;

  constructor(private readonly spec: LoopSpec<T>) {
    this.log = spec.log ?? new Logger(spec.name);
    this.random = spec.random ?? Math.random;
    this.maxSilenceMs = spec.maxSilenceMs ?? LOOP_SILENCE_MS + spec.watchMs + (spec.jitterMs ?? 0);
  }

  /** stopping says stop() was called: a pass ends at its next item. */
  get stopping(): boolean {
    return this.stopped;
  }

  /** start runs the loop, its watch starting now (a first round that never ends counts as silence). */
  start(): void {
    this.stopped = false;
    this.spec.beats?.beat(this.spec.name, this.maxSilenceMs);
    this.running ??= this.run();
  }

  /** wake runs the next pass now (a NOTIFY, a caller that knows the log moved). */
  wake(): void {
    this.alarm.ring();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.alarm.ring();
    await this.running;
    this.running = null;
    this.spec.beats?.forget(this.spec.name);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let more = false;
      try {
        more = await this.once();
        if (this.error !== null) this.log.log('recovered');
        this.error = null;
        this.spec.beats?.beat(this.spec.name, this.maxSilenceMs);
      } catch (err) {
        if (this.error === null) this.log.warn(`pass failed, retrying every ${this.spec.watchMs} ms: ${message(err)}`);
        this.error = message(err);
        this.spec.beats?.failed(this.spec.name, this.maxSilenceMs, this.error);
      }
      if (!more && !this.stopped) await this.alarm.sleep(this.spec.watchMs);
    }
  }

  /** once runs one pass if there is work, and says whether the tail has more to read at once. */
  private async once(): Promise<boolean> {
    const { tail, jitterMs = 0 } = this.spec;
    this.position ??= tail ? await tail.head() : '';
    const page: TailPage<T> = tail ? await tail.after(this.position) : { items: [], position: '', more: false };
    const sweep = Date.now() >= this.nextSweepAt;
    if (!sweep && page.items.length === 0 && !this.spec.due?.()) {
      this.position = page.position;
      return page.more;
    }
    if (jitterMs > 0) await this.alarm.sleep(this.random() * jitterMs);
    if (this.stopped) return false;
    await this.spec.pass({ sweep, changed: page.items });
    this.position = page.position;
    if (sweep) this.nextSweepAt = Date.now() + this.spec.sweepMs + this.random() * jitterMs;
    return page.more;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
