import { Query, Resolver } from '@nestjs/graphql';
import { Requires } from '@mammoth/platform';
import { CapacityModel } from '../../capacity.model';
import { CapacityReader } from './capacity-reader';

/** CapacityResolver serves the capacity read model: per node and totals. */
@Resolver()
export class CapacityResolver {
  constructor(private readonly reader: CapacityReader) {}

  @Query(() => CapacityModel, {
    description: 'Per node capacity, allocation and free room, and cluster totals, from the capacity read model.',
  })
  @Requires('cluster:read')
  capacity(): Promise<CapacityModel> {
    return this.reader.capacity();
  }
}
