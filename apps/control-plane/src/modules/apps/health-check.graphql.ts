import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsEnum, IsInt, IsOptional, IsString } from 'class-validator';
import { HealthCheck } from '@mammoth/events';

/** HealthCheckKind is the API's name for a check's kind; the values are the domain's. */
export enum HealthCheckKind {
  HTTP = 'http',
  TCP = 'tcp',
  COMMAND = 'command',
}
registerEnumType(HealthCheckKind, {
  name: 'HealthCheckKind',
  description:
    'HTTP: GET a path on the instance port; TCP: connect to the port; COMMAND: run a command in the container (exit 0 is healthy).',
});

@InputType({
  description:
    "An app's health check, run by each instance's node; unset fields take their defaults. An unhealthy instance is replaced.",
})
export class HealthCheckInput {
  @Field(() => HealthCheckKind) @IsEnum(HealthCheckKind) kind: HealthCheckKind;
  @Field({ nullable: true, description: 'HTTP: the path to GET, e.g. /healthz.' })
  @IsOptional()
  @IsString()
  path?: string;
  @Field(() => Int, { nullable: true, description: 'HTTP: the status a healthy instance answers (default 200).' })
  @IsOptional()
  @IsInt()
  expectedStatus?: number;
  @Field(() => [String], {
    nullable: true,
    description: 'COMMAND: the program and its arguments, e.g. ["/bin/sh", "-c", "test -f /ready"].',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  command?: string[];
  @Field(() => Int, { nullable: true, description: 'Milliseconds between checks (default 5000).' })
  @IsOptional()
  @IsInt()
  intervalMs?: number;
  @Field(() => Int, { nullable: true, description: 'Milliseconds one check may take (default 2000).' })
  @IsOptional()
  @IsInt()
  timeoutMs?: number;
  @Field(() => Int, {
    nullable: true,
    description:
      'Milliseconds after a container starts during which failures are ignored until it is first healthy (default 10000).',
  })
  @IsOptional()
  @IsInt()
  gracePeriodMs?: number;
  @Field(() => Int, {
    nullable: true,
    description: 'Consecutive failures that make an instance unhealthy (default 3).',
  })
  @IsOptional()
  @IsInt()
  unhealthyThreshold?: number;
  @Field(() => Int, { nullable: true, description: 'Consecutive successes that make an instance healthy (default 1).' })
  @IsOptional()
  @IsInt()
  healthyThreshold?: number;
}

@ObjectType('HealthCheck', { description: "An app's health check, every default filled in." })
export class HealthCheckModel {
  @Field(() => HealthCheckKind) kind: HealthCheckKind;
  @Field({ nullable: true }) path?: string;
  @Field(() => Int, { nullable: true }) expectedStatus?: number;
  @Field(() => [String], { nullable: true }) command?: string[];
  @Field(() => Int) intervalMs: number;
  @Field(() => Int) timeoutMs: number;
  @Field(() => Int) gracePeriodMs: number;
  @Field(() => Int) unhealthyThreshold: number;
  @Field(() => Int) healthyThreshold: number;
}

/** toHealthCheckModel renders a domain health check for the API (absent stays absent). */
export function toHealthCheckModel(hc: HealthCheck | null | undefined): HealthCheckModel | undefined {
  if (!hc) return undefined;
  const { kind, ...rest } = hc;
  return { ...rest, kind: kind as HealthCheckKind, command: 'command' in hc ? [...hc.command] : undefined };
}
