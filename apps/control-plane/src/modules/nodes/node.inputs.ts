import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

@InputType()
export class LabelInput {
  @Field() @IsString() @IsNotEmpty() key: string;
  @Field() @IsString() value: string;
}

@InputType({ description: 'What a node daemon says about its machine.' })
export class RegisterNodeInput {
  @Field() @IsString() @IsNotEmpty() nodeId: string;
  @Field() @IsString() @IsNotEmpty() hostname: string;
  @Field() @IsString() @IsNotEmpty() address: string;
  @Field(() => Float) @IsNumber() @Min(0.001) cpus: number;
  @Field(() => Int) @IsInt() @Min(1) memoryMiB: number;
  @Field(() => Int) @IsInt() @Min(0) diskMiB: number;
  @Field(() => Int) @IsInt() @Min(1024) @Max(65535) portFrom: number;
  @Field(() => Int) @IsInt() @Min(1024) @Max(65535) portTo: number;
  @Field(() => [LabelInput], { nullable: true })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => LabelInput)
  labels?: LabelInput[];
  @Field() @IsIn(['docker', 'sim']) driver: string;
  @Field(() => Int, { nullable: true, description: "Where the node's daemon serves /metrics on its address." })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  metricsPort?: number;
}

@InputType({ description: "A node daemon's health check verdict on an instance's running container." })
export class InstanceHealthInput {
  @Field() @IsBoolean() healthy: boolean;
  @Field({ description: "The check's outcome, e.g. HTTP 200 or connection refused." })
  @IsString()
  @MaxLength(1024)
  message: string;
}

@InputType({ description: "A node daemon's report of one instance's runtime state." })
export class InstanceReportInput {
  @Field(() => ID) @IsString() instanceId: string;
  @Field() @IsString() @IsNotEmpty() app: string;
  @Field() @IsString() @IsNotEmpty() nodeId: string;
  @Field({ description: 'running, exited, failed or stopped' })
  @IsIn(['running', 'exited', 'failed', 'stopped'])
  state: string;
  @Field({ nullable: true }) @IsOptional() @IsString() containerId?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() exitCode?: number;
  @Field({ nullable: true }) @IsOptional() @IsString() reason?: string;
  @Field(() => InstanceHealthInput, {
    nullable: true,
    description: 'running: the health check verdict on this container.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => InstanceHealthInput)
  health?: InstanceHealthInput;
  @Field({ nullable: true, description: 'exited: when the container exited (ISO time).' })
  @IsOptional()
  @IsString()
  exitedAt?: string;
  @Field({ nullable: true, description: 'exited: when the node will restart it (ISO time).' })
  @IsOptional()
  @IsString()
  nextAttemptAt?: string;
}
