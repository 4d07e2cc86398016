import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsNumber, Max, Min } from 'class-validator';

@ObjectType('ResourceAmounts', { description: 'An amount of each resource: cpus (cores), memory and disk in MiB.' })
export class ResourceAmountsModel {
  @Field(() => Float) cpus: number;
  @Field(() => Int) memoryMiB: number;
  @Field(() => Int) diskMiB: number;
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
}

@ObjectType('CapacityTotals', { description: 'Sums over the ready nodes: what the scheduler can place on.' })
export class CapacityTotalsModel {
  @Field(() => Int) nodes: number;
  @Field(() => ResourceAmountsModel) capacity: ResourceAmountsModel;
  @Field(() => ResourceAmountsModel) allocated: ResourceAmountsModel;
  @Field(() => ResourceAmountsModel) free: ResourceAmountsModel;
  @Field(() => PortUsageModel) ports: PortUsageModel;
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
