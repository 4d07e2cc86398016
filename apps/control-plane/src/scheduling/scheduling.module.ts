import { Global, Module } from '@nestjs/common';
import { CONFIG } from '../infra/config';
import { AggregateRepository } from './aggregate-repository';
import { Loops } from './loops';
import { PlanQueue } from './plan-queue';
import { RANDOM, seededRandom } from './random';

/**
 * SchedulingModule provides every feature module with the process's one write path for app and node streams (PlanQueue:
 * operator commands, rollout steps, instance repair, node verdicts, replacements and stale stops, node registration and the
 * pending placer all commit through its queue), its one seeded Random, its background loops, and the AggregateRepository
 * for reads and single-stream commands (instance reports, packages).
 */
@Global()
@Module({
  providers: [{ provide: RANDOM, inject: [CONFIG], useFactory: seededRandom }, AggregateRepository, PlanQueue, Loops],
  exports: [RANDOM, AggregateRepository, PlanQueue, Loops],
})
export class SchedulingModule {}
