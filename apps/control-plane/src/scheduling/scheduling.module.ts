import { Global, Module } from '@nestjs/common';
import { AggregateRepository } from './aggregate-repository';
import { AppScheduler } from './app-scheduler.service';

/**
 * SchedulingModule provides the process's one AppScheduler and the AggregateRepository to every feature module. The app
 * commands (deploy, scale, remove, update, promote, rollback), the pending placer and the failure detector's replacement
 * of lost instances are planned in AppScheduler's one queue and group-committed; rollout steps, instance repair and the
 * detector's node verdicts and stale stops still plan and append through AggregateRepository on their own, re-planning
 * when an optimistic commit conflicts.
 */
@Global()
@Module({
  providers: [AggregateRepository, AppScheduler],
  exports: [AggregateRepository, AppScheduler],
})
export class SchedulingModule {}
