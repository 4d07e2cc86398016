import { Module } from '@nestjs/common';
import { ProjectionMetrics } from './projection.metrics';
import { ProjectionsReader } from './queries/projections/projections-reader';
import { ProjectionsResolver } from './queries/projections/projections.resolver';

/** ProjectionsModule serves the projections query, how the log's consumers stand, and exports it as metrics. */
@Module({
  providers: [ProjectionsReader, ProjectionsResolver, ProjectionMetrics],
})
export class ProjectionsModule {}
