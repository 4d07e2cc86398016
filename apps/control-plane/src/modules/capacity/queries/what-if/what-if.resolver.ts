import { Args, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '@mammoth/platform';
import { ShapeInput, WhatIfModel } from '../../capacity.model';
import { CapacityReader } from '../capacity/capacity-reader';
import { whatIf } from './what-if';

/** WhatIfResolver answers how many more instances of a shape would fit now, from the capacity read model. */
@Resolver()
export class WhatIfResolver {
  constructor(private readonly reader: CapacityReader) {}

  @Query(() => WhatIfModel, {
    description:
      'How many more instances of this shape would fit now, and on which ready nodes (labels and constraints aside), ' +
      'each with its observed use (fits count allocations, as the scheduler does).',
  })
  @Requires('cluster:read')
  async whatIf(@Args('shape') shape: ShapeInput): Promise<WhatIfModel> {
    const request = {
      cpuMillis: Math.round(shape.cpus * 1000),
      memoryMiB: shape.memoryMiB,
      diskMiB: shape.diskMiB ?? 0,
    };
    const [room, observed] = await Promise.all([this.reader.readyRoom(), this.reader.observed()]);
    const answer = whatIf(room, request);
    return { ...answer, nodes: answer.nodes.map((n) => ({ ...n, observed: observed.get(n.nodeId) ?? null })) };
  }
}
