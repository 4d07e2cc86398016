import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { shuffle } from '@mammoth/domain';
import { BackgroundLoop, LogTail } from '../../common/background-loop';
import { inCommandContext } from '../../common/command-context';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { converge } from '../../scheduling/converge';
import { Loops } from '../../scheduling/loops';
import { PlanQueue } from '../../scheduling/plan-queue';
import { Random, RANDOM } from '../../scheduling/random';
import { pendingApps } from '../../scheduling/scheduling.metrics';
import { PendingApps } from './pending-apps';

/** PLACER_ACTOR is the actor of every event the pending placer writes. */
export const PLACER_ACTOR = 'scheduler:pending-placer';

/**
 * PendingPlacer places pending instances without anyone asking. Its loop watches the log for capacity appearing (a node
 * registers or recovers, an instance is unassigned) and sweeps every `sweepMs` regardless; each pass commits a no-op
 * decision for every pending app through the plan queue, which re-plans on fresh state (or writes nothing when nothing
 * changed). Several control planes may run it at once: optimistic commits keep them correct, and a random delay and a
 * shuffled order keep them from all retrying the same app at the same moment.
 */
@Injectable()
export class PendingPlacer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('pending-placer');
  private readonly loop: BackgroundLoop<string>;

  constructor(
    private readonly pending: PendingApps,
    private readonly plans: PlanQueue,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(RANDOM) private readonly random: Random,
    loops: Loops,
  ) {
    const { watchMs, sweepMs, jitterMs } = config.pendingPlacer;
    this.loop = loops.create({
      name: 'pending-placer',
      watchMs,
      sweepMs,
      jitterMs,
      tail: capacityTail(pending),
      pass: async () => void (await this.placePending()),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.pendingPlacer.sweepMs > 0) this.loop.start();
  }

  /** beforeApplicationShutdown ends the loop after the pass in flight, before InfraModule closes the pool. */
  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** placePending gives every pending app one scheduling attempt, in random order, and returns how many it tried. */
  async placePending(): Promise<number> {
    const apps = shuffle(await this.pending.names(), this.random);
    pendingApps.set(apps.length);
    await Promise.all(
      apps.map((name) =>
        inCommandContext(PLACER_ACTOR, (ctx) =>
          this.plans.commit(converge(name, ctx, () => [])).catch((err: Error) => {
            this.log.warn(`app ${name}: ${err.message}`);
          }),
        ),
      ),
    );
    return apps.length;
  }
}

/** capacityTail turns the capacity mark into a log tail: one item whenever the mark moved since the last pass. */
function capacityTail(pending: PendingApps): LogTail<string> {
  return {
    head: () => pending.capacityMark(),
    after: async (position) => {
      const mark = await pending.capacityMark();
      return { items: mark === position ? [] : [mark], position: mark, more: false };
    },
  };
}
