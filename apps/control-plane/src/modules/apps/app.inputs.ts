import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_CONSTRAINTS } from '@mammoth/domain';
import { CONSTRAINT_KINDS, LABEL_OPS, STRATEGIES } from '@mammoth/events';
import { HealthCheckInput } from './health-check.graphql';
import { NetworkMode } from './isolation.graphql';

@InputType({ description: 'One environment variable.' })
export class EnvVarInput {
  @Field()
  @IsString()
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a valid environment variable name' })
  name: string;
  @Field() @IsString() @MaxLength(32768) value: string;
}

@InputType({
  description: 'A placement constraint: kind label (key, op, values), unique, or max-per (key, optional max).',
})
export class ConstraintInput {
  @Field({ description: `One of ${CONSTRAINT_KINDS.join(', ')}.` })
  @IsIn(CONSTRAINT_KINDS, { message: `must be one of ${CONSTRAINT_KINDS.join(', ')}` })
  kind: string;
  @Field({ nullable: true, description: 'The node label the constraint reads, e.g. rack.' })
  @IsOptional()
  @IsString()
  key?: string;
  @Field({ nullable: true, description: `For label: one of ${LABEL_OPS.join(', ')}.` })
  @IsOptional()
  @IsIn(LABEL_OPS, { message: `must be one of ${LABEL_OPS.join(', ')}` })
  op?: string;
  @Field(() => [String], { nullable: true, description: 'For label: the values to compare with (none for exists).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  values?: string[];
  @Field(() => Int, {
    nullable: true,
    description: 'For max-per: instances per label value; ⌈instances / values⌉ when omitted.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  max?: number;
}

@InputType({ description: 'What to run and how much of it.' })
export class DeployAppInput {
  @Field() @IsString() @IsNotEmpty() name: string;
  @Field({ description: 'Package name, as uploaded.' }) @IsString() @IsNotEmpty() package: string;
  @Field({ nullable: true, description: 'Package version; the latest upload when omitted.' })
  @IsOptional()
  @IsString()
  version?: string;
  @Field(() => Int) @IsInt() @Min(0) @Max(100000) instances: number;
  @Field(() => Float, { description: 'CPU cores per instance, e.g. 0.25.' })
  @IsNumber()
  @Min(0.001)
  @Max(1024)
  cpus: number;
  @Field(() => Int, { description: 'Memory per instance in MiB.' }) @IsInt() @Min(4) memoryMiB: number;
  @Field(() => Int, { defaultValue: 0, description: 'Disk per instance in MiB.' }) @IsInt() @Min(0) diskMiB: number;
  @Field(() => [EnvVarInput], { nullable: true })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => EnvVarInput)
  env?: EnvVarInput[];
  @Field({ nullable: true, description: `Placement strategy: ${STRATEGIES.join(' or ')} (default spread).` })
  @IsOptional()
  @IsIn(STRATEGIES, { message: `must be one of ${STRATEGIES.join(', ')}` })
  strategy?: string;
  @Field(() => [ConstraintInput], {
    nullable: true,
    description: 'Where instances may go; every constraint must hold.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONSTRAINTS)
  @ValidateNested({ each: true })
  @Type(() => ConstraintInput)
  constraints?: ConstraintInput[];
  @Field(() => HealthCheckInput, {
    nullable: true,
    description: 'How nodes check each instance; an unhealthy instance is replaced. None by default.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => HealthCheckInput)
  healthCheck?: HealthCheckInput;
  @Field(() => Int, {
    nullable: true,
    description:
      'In-place restarts allowed within restartWindowMs; the next exit reschedules the instance on another node (default 5).',
  })
  @IsOptional()
  @IsInt()
  maxRestarts?: number;
  @Field(() => Int, {
    nullable: true,
    description: 'The window, in milliseconds, in which maxRestarts is counted (default 600000).',
  })
  @IsOptional()
  @IsInt()
  restartWindowMs?: number;
  @Field(() => NetworkMode, { nullable: true, description: 'BRIDGE (default) or HOST (needs apps:hostnetwork).' })
  @IsOptional()
  @IsEnum(NetworkMode)
  network?: NetworkMode;
  @Field({ nullable: true, description: "The user to run as, e.g. 65534 or nobody:nogroup (default: the image's)." })
  @IsOptional()
  @IsString()
  @MaxLength(65)
  user?: string;
  @Field({ nullable: true, description: 'Mount the root filesystem read-only (default false).' })
  @IsOptional()
  @IsBoolean()
  readOnlyRootFs?: boolean;
}
