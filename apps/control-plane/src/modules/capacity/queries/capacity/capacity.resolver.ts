import { Args, Query, Resolver } from '@nestjs/graphql';
import { CapacityModel, ShapeInput, WhatIfModel } from '../../capacity.model';
import { CapacityReader } from './capacity-reader';
import { whatIf } from '../what-if/what-if';

/** CapacityResolver serves the capacity read model: per node and totals, and the what-if question for a shape. */
@Resolver()
export class CapacityResolver {
  constructor(private readonly reader: CapacityReader) {}

  @Query(() => CapacityModel, {
    description: 'Per node capacity, allocation and free room, and cluster totals, from the capacity read model.',
  })
  capacity(): Promise<CapacityModel> {
    return this.reader.capacity();
  }

  @Query(() => WhatIfModel, {
    description:
      'How many more instances of this shape would fit now, and on which ready nodes (labels and constraints aside).',
  })
  async whatIf(@Args('shape') shape: ShapeInput): Promise<WhatIfModel> {
    const request = {
      cpuMillis: Math.round(shape.cpus * 1000),
      memoryMiB: shape.memoryMiB,
      diskMiB: shape.diskMiB ?? 0,
    };
    return whatIf(await this.reader.readyRoom(), request);
  }
}
