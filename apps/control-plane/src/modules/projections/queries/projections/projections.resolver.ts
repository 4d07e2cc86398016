import { Query, Resolver } from '@nestjs/graphql';
import { Requires } from '@mammoth/platform';
import { ProjectionModel } from '../../projection.model';
import { ProjectionsReader } from './projections-reader';

/** ProjectionsResolver shows how each consumer of the log stands, so a parked event or a halted projection is visible. */
@Resolver(() => ProjectionModel)
export class ProjectionsResolver {
  constructor(private readonly reader: ProjectionsReader) {}

  @Query(() => [ProjectionModel], {
    description: 'Every consumer of the log: position, lag behind the end, status and, when blocked or stopped, why.',
  })
  @Requires('cluster:read')
  projections(): Promise<ProjectionModel[]> {
    return this.reader.projections();
  }
}
