import { Module } from '@nestjs/common';
import { CapacityReader } from './queries/capacity/capacity-reader';
import { CapacityResolver } from './queries/capacity/capacity.resolver';
import { WhatIfResolver } from './queries/what-if/what-if.resolver';

/** CapacityModule serves the capacity and whatIf queries from the capacity read model. */
@Module({
  providers: [CapacityReader, CapacityResolver, WhatIfResolver],
})
export class CapacityModule {}
