import { Alarm } from '@mammoth/event-store';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { inCommandContext } from '../../common/command-context';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { AppScheduler } from '../../scheduling/app-scheduler.service';
import { PendingApps } from './pending-apps';

/** PLACER_ACTOR is the actor of every event the pending placer writes. */
export const PLACER_ACTOR = 'scheduler:pending-placer';

/**
 * PendingPlacer places pending instances without anyone asking. It watches the log for capacity appearing (a node registers or
 * recovers, an instance is unassigned) and sweeps every `sweepMs` regardless; each pass runs AppScheduler with a no-op decision
 * for every pending app, which re-plans on fresh state and commits at expected versions (or writes nothing when nothing changed).
 * Several control planes may run it at once: optimistic commits keep them correct, and a random delay and a shuffled order
 * keep them from all retrying the same app at the same moment.
 */
@Injectable()
export class PendingPlacer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('pending-placer');
  private readonly opts: ControlPlaneConfig['pendingPlacer'];
  private loop: Promise<void> | null = null;
  private stopped = false;
  private readonly alarm = new Alarm();
  private mark = '';
  private nextSweepAt = 0;

  constructor(
    private readonly pending: PendingApps,
    private readonly scheduler: AppScheduler,
    @Inject(CONFIG) config: ControlPlaneConfig,
  ) {
    this.opts = config.pendingPlacer;
  }

  onApplicationBootstrap(): void {
    if (this.opts.sweepMs > 0) this.loop = this.run();
  }

  /** beforeApplicationShutdown ends the loop after the app in flight, before InfraModule closes the pool. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.alarm.ring();
    await this.loop;
  }

  /** placePending gives every pending app one scheduling attempt, in random order, and returns how many it tried. */
  async placePending(): Promise<number> {
    const apps = shuffle(await this.pending.names());
    for (const name of apps) {
      if (this.stopped) break;
      try {
        await inCommandContext(PLACER_ACTOR, (ctx) => this.scheduler.run(name, () => [], ctx));
      } catch (err) {
        this.log.warn(`app ${name}: ${(err as Error).message}`);
      }
    }
    return apps.length;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const mark = await this.pending.capacityMark();
        if (mark !== this.mark || Date.now() >= this.nextSweepAt) {
          this.mark = mark;
          this.nextSweepAt = Date.now() + this.opts.sweepMs;
          await this.alarm.sleep(Math.random() * this.opts.jitterMs);
          if (!this.stopped) await this.placePending();
        }
      } catch (err) {
        this.log.warn(`pass failed: ${(err as Error).message}`);
      }
      await this.alarm.sleep(this.opts.watchMs * (0.75 + Math.random() / 2));
    }
  }
}

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}
