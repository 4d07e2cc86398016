import { Alarm, PgEventStore } from '@mammoth/event-store';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ROLLOUT_CONFIG, RolloutConfig } from './rollout.config';
import { RolloutStep } from './rollout-step';

/** ROLLOUT_TRIGGERS are the events after which an app's rollout may move: its own decisions, and its instances' news. */
export const ROLLOUT_TRIGGERS = [
  'AppUpdateStarted',
  'AppRollbackStarted',
  'AppCanaryPromoted',
  'AppScaled',
  'InstanceStopRequested',
  'InstanceLost',
  'InstanceRunning',
  'InstanceHealthChanged',
  'InstanceExited',
  'InstanceFailed',
] as const;

/**
 * RolloutLoop drives every rollout in progress. It tails the log by position (every `watchMs`) for events of apps it knows
 * to be rolling out, and every `sweepMs` finds the apps whose last rollout event is a start (AppUpdateStarted,
 * AppRollbackStarted) and steps them all: that moves drains whose period has passed, and covers a trigger that committed
 * late below the tail's position. Every control plane may run it: RolloutStep decides on fresh streams and commits at
 * expected versions.
 */
@Injectable()
export class RolloutLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('rollout');
  private readonly rolling = new Set<string>();
  private loop: Promise<void> | null = null;
  private stopped = false;
  private readonly alarm = new Alarm();
  private failing = false;

  constructor(
    @Inject(ROLLOUT_CONFIG) private readonly config: RolloutConfig,
    private readonly store: PgEventStore,
    private readonly stepper: RolloutStep,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.alarm.ring();
    await this.loop;
  }

  /** step moves each named app's rollout, logging what it wrote, and keeps the set of rolling apps current. */
  async step(apps: Iterable<string>): Promise<void> {
    for (const app of apps) {
      if (this.stopped) break;
      try {
        const { events, rolling } = await this.stepper.step(app);
        if (rolling) this.rolling.add(app);
        else this.rolling.delete(app);
        if (events.length)
          this.log.log(
            `${app}: ${events.map((e) => (e.type === 'InstanceDraining' || e.type === 'InstanceStopRequested' || e.type === 'InstancePlaced' ? `${e.type} ${e.data.instanceId.slice(0, 8)}` : e.type)).join(', ')}`,
          );
      } catch (err) {
        this.log.warn(`${app}: ${(err as Error).message}; the next sweep retries`);
      }
    }
  }

  private async run(): Promise<void> {
    let position: string | null = null;
    let nextSweepAt = 0;
    while (!this.stopped) {
      try {
        position ??= await this.store.head();
        const events = await this.store.tail(position, ROLLOUT_TRIGGERS, 5000);
        position = events.at(-1)?.position ?? position;
        const tail = events.map(({ event }) => ({
          type: event.type,
          app: 'app' in event.data ? event.data.app : (event.data as { name: string }).name,
        }));
        const starts = ['AppUpdateStarted', 'AppRollbackStarted'];
        const apps = new Set(tail.filter((r) => starts.includes(r.type) || this.rolling.has(r.app)).map((r) => r.app));
        if (Date.now() >= nextSweepAt) {
          for (const app of await this.inProgress()) apps.add(app);
          nextSweepAt = Date.now() + this.config.sweepMs;
        }
        await this.step(apps);
        if (this.failing) this.log.log('reading the log again');
        this.failing = false;
      } catch (err) {
        if (!this.failing) this.log.warn(`pass failed, will retry: ${(err as Error).message}`);
        this.failing = true;
      }
      await this.alarm.sleep(this.config.watchMs);
    }
  }

  /** inProgress lists the apps whose last rollout event started one (a hint: RolloutStep decides on the app stream). */
  private async inProgress(): Promise<string[]> {
    const open = await this.store.latestPerStream(['AppUpdateStarted', 'AppRollbackStarted', 'AppCanaryPromoted'], {
      notFollowedBy: ['AppUpdateCompleted', 'AppRemoved', 'AppDeployed'],
    });
    return open.map((e) => (e.event.data as { name: string }).name);
  }
}
