import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsNumber, Max, Min } from 'class-validator';

@ObjectType('ResourceAmounts', { description: 'An amount of each resource: cpus (cores), memory and disk in MiB.' })
export class ResourceAmountsModel {
  @Field(() => Float) cpus: number;
  @Field(() => Int) memoryMiB: number;
  @Field(() => Int) diskMiB: number;
}

@ObjectType('ObservedUse', {
  description:
    "What a node's instances were seen using, from its latest heartbeat (Docker's stats API): CPU in cores, memory in MiB.",
})
export class ObservedUseModel {
  @Field(() => Float, { description: 'CPU cores busy (1.5: one and a half cores).' }) cpus: number;
  @Field(() => Int) memoryMiB: number;
  @Field({ description: 'The heartbeat that said so (ISO time).' }) at: string;
}

@ObjectType('PortUsage', { description: "A node's port range: how many ports it has and how many assignments hold." })
export class PortUsageModel {
  @Field(() => Int) total: number;
  @Field(() => Int) used: number;
}

@ObjectType('NodeCapacity', {
  description: 'One node: what it offers, what its instances hold, and what is left (negative where overcommitted).',
})
export class NodeCapacityModel {
  @Field() nodeId: string;
  @Field({ description: 'ready or lost' }) status: string;
  @Field(() => Float) cpus: number;
  @Field(() => Int) memoryMiB: number;
  @Field(() => Int) diskMiB: number;
  @Field(() => ResourceAmountsModel) allocated: ResourceAmountsModel;
  @Field(() => ResourceAmountsModel) free: ResourceAmountsModel;
  @Field(() => PortUsageModel) ports: PortUsageModel;
  @Field(() => Int, { description: 'Instances assigned to the node.' }) instances: number;
  @Field(() => ObservedUseModel, { nullable: true, description: 'Observed use; null until the node reports it.' })
  observed: ObservedUseModel | null;
}

@ObjectType('ObservedTotals', { description: 'Observed use summed over the ready nodes that report it.' })
export class ObservedTotalsModel {
  @Field(() => Int, { description: 'Ready nodes whose heartbeats carry their use.' }) nodes: number;
  @Field(() => Float) cpus: number;
  @Field(() => Int) memoryMiB: number;
}

@ObjectType('CapacityTotals', { description: 'Sums over the ready nodes: what the scheduler can place on.' })
export class CapacityTotalsModel {
  @Field(() => Int) nodes: number;
  @Field(() => ResourceAmountsModel) capacity: ResourceAmountsModel;
  @Field(() => ResourceAmountsModel) allocated: ResourceAmountsModel;
  @Field(() => ResourceAmountsModel) free: ResourceAmountsModel;
  @Field(() => PortUsageModel) ports: PortUsageModel;
  @Field(() => ObservedTotalsModel, { description: 'Observed use summed over the ready nodes that report it.' })
  observed: ObservedTotalsModel;
}

@ObjectType('Capacity', { description: 'The capacity read model: every node that is not removed, and cluster totals.' })
export class CapacityModel {
  @Field(() => [NodeCapacityModel]) nodes: NodeCapacityModel[];
  @Field(() => CapacityTotalsModel) totals: CapacityTotalsModel;
}

@ObjectType('NodeFit', { description: 'How many more instances of a shape one node has room for.' })
export class NodeFitModel {
  @Field() nodeId: string;
  @Field(() => Int) fits: number;
  @Field(() => ObservedUseModel, {
    nullable: true,
    description: "The node's observed use, next to the allocation fit.",
  })
  observed: ObservedUseModel | null;
}

@ObjectType('WhatIf', {
  description: 'How many more instances of a shape fit now, and on which ready nodes (most room first).',
})
export class WhatIfModel {
  @Field(() => Int) fits: number;
  @Field(() => [NodeFitModel]) nodes: NodeFitModel[];
}

@InputType({ description: 'The resources one instance would ask for.' })
export class ShapeInput {
  @Field(() => Float, { description: 'CPU cores per instance, e.g. 0.5.' }) @IsNumber() @Min(0) @Max(1000) cpus: number;
  @Field(() => Int, { description: 'Memory per instance in MiB.' }) @IsInt() @Min(0) memoryMiB: number;
  @Field(() => Int, { defaultValue: 0, description: 'Disk per instance in MiB.' }) @IsInt() @Min(0) diskMiB: number;
}
