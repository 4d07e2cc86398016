import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';

@InputType({ description: 'A canary: this many new-version instances take this % of the traffic until promoteApp.' })
export class CanaryInput {
  @Field(() => Int) @IsInt() @Min(1) @Max(100000) instances: number;
  @Field(() => Int, { description: '% of traffic for the new version, 1 to 99.' })
  @IsInt()
  @Min(1)
  @Max(99)
  weight: number;
}

@InputType({ description: 'Move a running app to another version of its package, in batches.' })
export class UpdateAppInput {
  @Field() @IsString() @IsNotEmpty() name: string;
  @Field({ description: 'Package name; the one the app runs.' }) @IsString() @IsNotEmpty() package: string;
  @Field({ description: 'The package version to roll out.' }) @IsString() @IsNotEmpty() version: string;
  @Field(() => Int, { defaultValue: 1, description: 'Instances allowed above the desired count during the update.' })
  @IsInt()
  @Min(0)
  @Max(100000)
  maxSurge: number;
  @Field(() => Int, {
    defaultValue: 0,
    description: 'Healthy instances allowed below the desired count during the update.',
  })
  @IsInt()
  @Min(0)
  @Max(100000)
  maxUnavailable: number;
  @Field(() => CanaryInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CanaryInput)
  canary?: CanaryInput | null;
}
