import { Module } from '@nestjs/common';
import { ProjectionsReader } from './queries/projections/projections-reader';
import { ProjectionsResolver } from './queries/projections/projections.resolver';

/** ProjectionsModule serves the projections query: how the log's consumers stand. */
@Module({
  providers: [ProjectionsReader, ProjectionsResolver],
})
export class ProjectionsModule {}
