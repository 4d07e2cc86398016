import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { PackageRefModel } from '../apps/app.model';
import { HealthCheckModel } from '../apps/health-check.graphql';
import { IsolationModel } from '../apps/isolation.graphql';

@ObjectType('Label')
export class LabelModel {
  @Field() key: string;
  @Field() value: string;
}

@ObjectType('EnvVar')
export class EnvVarModel {
  @Field() name: string;
  @Field() value: string;
}

@ObjectType('Node', { description: 'A machine, as registered by its node daemon.' })
export class NodeModel {
  @Field(() => ID) id: string;
  @Field() hostname: string;
  @Field() address: string;
  @Field(() => Float) cpus: number;
  @Field(() => Int) memoryMiB: number;
  @Field(() => Int) diskMiB: number;
  @Field(() => Int) portFrom: number;
  @Field(() => Int) portTo: number;
  @Field(() => [LabelModel]) labels: LabelModel[];
  @Field() driver: string;
  @Field({ description: 'ready, or lost (no heartbeat within the failure detector timeout)' }) status: string;
  @Field() registeredAt: string;
  @Field({ nullable: true }) lastHeartbeatAt?: string;
  @Field(() => Int, { nullable: true, description: "Where the node's daemon serves /metrics on its address." })
  metricsPort?: number;
}

@ObjectType('Assignment', { description: 'An instance a node must run.' })
export class AssignmentModel {
  @Field(() => ID) instanceId: string;
  @Field() app: string;
  @Field(() => Int) port: number;
  @Field(() => Int) cpuMillis: number;
  @Field(() => Int) memoryMiB: number;
  @Field(() => Int) diskMiB: number;
  @Field(() => [EnvVarModel]) env: EnvVarModel[];
  @Field(() => PackageRefModel) package: PackageRefModel;
  @Field(() => HealthCheckModel, {
    nullable: true,
    description: 'The check the node runs against the instance, if any.',
  })
  healthCheck?: HealthCheckModel;
  @Field(() => IsolationModel, { nullable: true, description: "The instance's confinement; none: the defaults." })
  isolation?: IsolationModel;
}

@ObjectType('NodeAssignments', { description: "A node's desired state at one version of its stream." })
export class NodeAssignmentsModel {
  @Field() nodeId: string;
  @Field(() => Int) version: number;
  @Field({
    description:
      'false when the node is not registered (never was, or removed after being lost too long): its daemon must register again.',
  })
  registered: boolean;
  @Field(() => [AssignmentModel]) assignments: AssignmentModel[];
}
