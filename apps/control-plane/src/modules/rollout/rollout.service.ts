import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundLoop, Pass } from '../../common/background-loop';
import { inCommandContext } from '../../common/command-context';
import { Loops } from '../../scheduling/loops';
import { ROLLOUT_STARTS, RolloutCandidates, RolloutTrigger } from './rollout-candidates';
import { ROLLOUT_CONFIG, RolloutConfig } from './rollout.config';
import { ROLLOUT_ACTOR, RolloutStep } from './rollout-step';

/**
 * RolloutLoop drives every rollout in progress. Its loop tails the log (every `watchMs`) for trigger events of apps it
 * knows to be rolling out, and every `sweepMs` steps every app whose last rollout event is a start: that moves drains
 * whose period has passed, and covers a trigger that committed late below the tail's position. Every control plane may
 * run it: RolloutStep decides on fresh streams and commits at expected versions.
 */
@Injectable()
export class RolloutLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('rollout');
  private readonly rolling = new Set<string>();
  private readonly loop: BackgroundLoop<RolloutTrigger>;

  constructor(
    @Inject(ROLLOUT_CONFIG) config: RolloutConfig,
    private readonly candidates: RolloutCandidates,
    private readonly stepper: RolloutStep,
    loops: Loops,
  ) {
    this.loop = loops.create({
      name: 'rollout',
      watchMs: config.watchMs,
      sweepMs: config.sweepMs,
      tail: candidates,
      pass: (p) => this.pass(p),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * step moves each named app's rollout, logging what it wrote, and keeps the set of rolling apps current. Each app's step
   * runs in a command context of its own: its events and its log lines share a correlation id.
   */
  async step(apps: Iterable<string>): Promise<void> {
    await Promise.all(
      [...apps].map((app) =>
        inCommandContext(ROLLOUT_ACTOR, async (ctx) => {
          try {
            const { events, rolling } = await this.stepper.step(app, ctx);
            if (rolling) this.rolling.add(app);
            else this.rolling.delete(app);
            if (events.length) this.log.log(`${app}: ${events.map(summary).join(', ')}`);
          } catch (err) {
            this.log.warn(`${app}: ${(err as Error).message}; the next sweep retries`);
          }
        }),
      ),
    );
  }

  private async pass({ sweep, changed }: Pass<RolloutTrigger>): Promise<void> {
    const apps = new Set(
      changed.filter((t) => ROLLOUT_STARTS.includes(t.type) || this.rolling.has(t.app)).map((t) => t.app),
    );
    if (sweep) for (const app of await this.candidates.inProgress()) apps.add(app);
    await this.step(apps);
  }
}

function summary(e: { type: string; data: object }): string {
  return 'instanceId' in e.data && typeof e.data.instanceId === 'string'
    ? `${e.type} ${e.data.instanceId.slice(0, 8)}`
    : e.type;
}
