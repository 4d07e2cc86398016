import { Constraint } from '@mammoth/events';
import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { formatReasons, restartPolicyOf } from '@mammoth/domain';
import { HealthCheckModel } from './health-check.graphql';

@ObjectType('PackageRef', { description: 'The package version an app runs, pinned by digest.' })
export class PackageRefModel {
  @Field() name: string;
  @Field() version: string;
  @Field() digest: string;
  @Field() imageRef: string;
}

@ObjectType('Rejection', { description: 'How many nodes one scheduler filter rejected.' })
export class RejectionModel {
  @Field() reason: string;
  @Field(() => Int) nodes: number;
}

@ObjectType('Pending', { description: 'Instances the scheduler could not place, and why.' })
export class PendingModel {
  @Field(() => Int) count: number;
  @Field(() => [String], { description: 'Readable reasons, e.g. "3 nodes: memory exhausted".' }) reasons: string[];
  @Field(() => [RejectionModel]) rejections: RejectionModel[];
}

@ObjectType('Instance', { description: 'One copy of an app: where it runs and its last reported state.' })
export class InstanceModel {
  @Field(() => ID) id: string;
  @Field() app: string;
  @Field() nodeId: string;
  @Field({ nullable: true }) host?: string;
  @Field(() => Int, { nullable: true }) port?: number;
  @Field({ description: 'run or stop' }) desired: string;
  @Field({ description: 'placed, running, exited, failed, lost (its node was lost; replaced), stopping or stopped' })
  state: string;
  @Field({ nullable: true }) containerId?: string;
  @Field(() => Int, { nullable: true }) exitCode?: number;
  @Field({ nullable: true }) message?: string;
  @Field({ nullable: true }) updatedAt?: string;
  @Field({
    description:
      "healthy or unhealthy (the health check's last verdict on its container), else unknown; without a check, healthy while running",
  })
  health: string;
  @Field({ nullable: true, description: "The health check's last message, e.g. HTTP 404 (expected 200)." })
  healthMessage?: string;
  @Field(() => Int, { description: 'How many times its node restarted it (a new container after an exit).' })
  restarts: number;
  @Field(() => Int, { nullable: true, description: 'Exit code of its last exited container, kept after a restart.' })
  lastExitCode?: number;
  @Field({ nullable: true, description: 'While exited: when its node will restart it (crash-loop backoff).' })
  nextAttemptAt?: string;
}

@ObjectType('Constraint', {
  description: 'A placement constraint: kind label (key, op, values), unique, or max-per (key, max).',
})
export class ConstraintModel {
  @Field() kind: string;
  @Field({ nullable: true }) key?: string;
  @Field({ nullable: true }) op?: string;
  @Field(() => [String], { nullable: true }) values?: string[];
  @Field(() => Int, { nullable: true, description: 'For max-per: null means ⌈instances / label values⌉.' })
  max?: number;
}

/** toConstraintModel renders a domain constraint for the API. */
export function toConstraintModel(c: Constraint): ConstraintModel {
  switch (c.kind) {
    case 'label':
      return { kind: c.kind, key: c.key, op: c.op, values: [...c.values] };
    case 'unique':
      return { kind: c.kind };
    case 'max-per':
      return { kind: c.kind, key: c.key, max: c.max };
    default: {
      const _exhaustive: never = c;
      return _exhaustive;
    }
  }
}

@ObjectType('Rollout', { description: 'An update, canary or rollback in progress.' })
export class RolloutModel {
  @Field({ description: 'The version being replaced.' }) from: string;
  @Field({ description: 'The version being rolled out.' }) to: string;
  @Field({ description: 'canary (waiting for promoteApp), rolling, or rollback.' }) phase: string;
  @Field(() => Int, { nullable: true, description: 'During a canary, the % of traffic the new version gets.' })
  canaryWeight?: number | null;
}

@ObjectType('RepairBackoff', {
  description:
    "An app's instance repairs in a row without a healthy period, and when the next may come (CrashLoopBackOff).",
})
export class RepairBackoffModel {
  @Field({ description: 'Why the last repair replaced an instance, e.g. unhealthy: HTTP 500.' }) reason: string;
  @Field(() => Int, { description: 'Repairs in a row; each doubles the wait before the next, up to a maximum.' })
  attempts: number;
  @Field({ description: 'When the last repair happened.' }) at: string;
  @Field({ description: 'The earliest time the next repair may replace an instance.' }) nextAttemptAt: string;
}

@ObjectType('App', { description: 'An app: its desired shape and count, and its instances.' })
export class AppModel {
  @Field() name: string;
  @Field({
    description:
      'deployed, removed, or crash-loop-backoff: fewer instances healthy than desired and the next repair waits (see backoff).',
  })
  status: string;
  @Field(() => PackageRefModel) package: PackageRefModel;
  @Field(() => Int, { description: 'Desired instance count.' }) desired: number;
  @Field(() => Int, { description: 'Instances reported running.' }) running: number;
  @Field(() => Int, {
    description: 'Instances reported running and healthy (without a health check, every running one).',
  })
  healthy: number;
  @Field(() => Float) cpus: number;
  @Field(() => Int) memoryMiB: number;
  @Field(() => Int) diskMiB: number;
  @Field({ description: 'spread (least allocated node first) or binpack (most allocated first).' })
  strategy: string;
  @Field(() => [ConstraintModel], { description: 'Placement constraints; all must hold.' })
  constraints: ConstraintModel[];
  @Field(() => HealthCheckModel, { nullable: true, description: 'The health check its nodes run, if any.' })
  healthCheck?: HealthCheckModel;
  @Field(() => Int, {
    nullable: true,
    description: 'In-place restarts allowed within restartWindowMs before an instance moves to another node.',
  })
  maxRestarts?: number;
  @Field(() => Int, { nullable: true }) restartWindowMs?: number;
  @Field(() => PendingModel) pending: PendingModel;
  @Field(() => [InstanceModel]) instances: InstanceModel[];
  @Field(() => RolloutModel, { nullable: true, description: 'The rollout in progress, if any.' })
  rollout: RolloutModel | null;
  @Field(() => RepairBackoffModel, {
    nullable: true,
    description: "The app's instance repair backoff, if an instance was repaired; null before any.",
  })
  backoff: RepairBackoffModel | null;
}

/** pendingModel renders an app's pending instances and the rejections counted per filter. */
export function pendingModel(count: number, rejections: readonly RejectionModel[]): PendingModel {
  return { count, reasons: rejections.map((r) => formatReasons([r])), rejections: rejections.map((r) => ({ ...r })) };
}

/** restartPolicyModel is an app's effective restart policy (defaults filled in) for the API. */
export function restartPolicyModel(spec: {
  maxRestarts?: number | null;
  restartWindowMs?: number | null;
}): Pick<AppModel, 'maxRestarts' | 'restartWindowMs'> {
  const p = restartPolicyOf({
    maxRestarts: spec.maxRestarts ?? undefined,
    restartWindowMs: spec.restartWindowMs ?? undefined,
  });
  return { maxRestarts: p.maxRestarts, restartWindowMs: p.windowMs };
}
