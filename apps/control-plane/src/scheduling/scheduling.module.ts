import { Global, Module } from '@nestjs/common';
import { AggregateRepository } from './aggregate-repository';
import { AppScheduler } from './app-scheduler.service';

/**
 * SchedulingModule provides the process's one AppScheduler (and the repository it commits through) to every module that
 * places instances: commands, rollouts and the failure detector share one plan queue, so they never conflict with each
 * other on the node streams they share, and their commands are group-committed together.
 */
@Global()
@Module({
  providers: [AggregateRepository, AppScheduler],
  exports: [AggregateRepository, AppScheduler],
})
export class SchedulingModule {}
