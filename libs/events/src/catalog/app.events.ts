import { z } from 'zod';
import { defineEvent } from './define';
import { HEALTH_CHECK_KINDS, HealthCheckSchema } from './health';
import {
  ConstraintSchema,
  EnvSchema,
  IsolationSchema,
  PackageRefSchema,
  ResourcesSchema,
  StrategySchema,
} from './shared';

/**
 * AppDeployed records an operator's intent: run this package with this many instances of this shape, placed under these
 * constraints with this strategy. Schema v2 added `constraints` and `strategy`; v1 data is upcast to none and spread.
 * Both stay optional in the schema (absent reads as none / spread) so writers that predate them still type-check. The
 * optional `healthCheck` (absent: none), `maxRestarts` and `restartWindowMs` (absent: the defaults of the app aggregate) came
 * later within v2: old events simply lack them, as they lack `isolation` (absent: the bridge network, the image's user).
 */
export const AppDeployed = defineEvent(
  'app',
  'AppDeployed',
  z.object({
    name: z.string().min(1),
    package: PackageRefSchema,
    instances: z.number().int().nonnegative(),
    resources: ResourcesSchema,
    env: EnvSchema,
    constraints: z.array(ConstraintSchema).readonly().optional(),
    strategy: StrategySchema.optional(),
    healthCheck: HealthCheckSchema.optional(),
    maxRestarts: z.number().int().nonnegative().optional(),
    restartWindowMs: z.number().int().positive().optional(),
    isolation: IsolationSchema.optional(),
  }),
  {
    version: 2,
    upcasters: { 1: (data) => (isObject(data) ? { ...data, constraints: [], strategy: 'spread' } : data) },
  },
);

/** AppScaled records a change of the desired instance count. */
export const AppScaled = defineEvent(
  'app',
  'AppScaled',
  z.object({
    name: z.string().min(1),
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
  }),
);

/** AppRemoved records that an app and all its instances are to go away. */
export const AppRemoved = defineEvent('app', 'AppRemoved', z.object({ name: z.string().min(1) }));

/**
 * InstancePlaced records the scheduler's decision to run one instance of the app on a node and port; `healthCheckKind` names
 * the app's health check, if it has one, so readers know the instance's health is unknown until its node reports a result.
 */
export const InstancePlaced = defineEvent(
  'app',
  'InstancePlaced',
  z.object({
    app: z.string().min(1),
    instanceId: z.string().uuid(),
    nodeId: z.string().min(1),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    healthCheckKind: z.enum(HEALTH_CHECK_KINDS).optional(),
    /** version is the package version the instance runs; absent (older events, steady-state placements): the app's package version then. */
    version: z.string().min(1).optional(),
  }),
);

/**
 * InstanceStopRequested records the decision to stop one instance (scale down, removal, unhealthy, crash loop); `replacedBy`
 * names the replacement placed in the same commit when the instance was replaced rather than retired (absent: none).
 */
export const InstanceStopRequested = defineEvent(
  'app',
  'InstanceStopRequested',
  z.object({
    app: z.string().min(1),
    instanceId: z.string().uuid(),
    nodeId: z.string().min(1),
    reason: z.string().min(1),
    replacedBy: z.string().uuid().nullable().optional(),
  }),
);

/** InstancesPending records one scheduling attempt that left instances unplaced, with the reasons counted per filter. */
export const InstancesPending = defineEvent(
  'app',
  'InstancesPending',
  z.object({
    app: z.string().min(1),
    count: z.number().int().positive(),
    reasons: z.array(z.object({ reason: z.string(), nodes: z.number().int().nonnegative() })),
  }),
);

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * InstanceLost records that an instance's node was lost: the instance leaves the app's live set (so it is replaced) but stays
 * assigned to its node until a replacement runs; `replacedBy` names the replacement placed in the same commit, if any.
 */
export const InstanceLost = defineEvent(
  'app',
  'InstanceLost',
  z.object({
    app: z.string().min(1),
    instanceId: z.string().uuid(),
    nodeId: z.string().min(1),
    reason: z.string().min(1),
    replacedBy: z.string().uuid().nullable(),
  }),
);

/** CanarySchema is a rollout's canary: `instances` of the new version take `weight` % of the app's traffic until promoted. */
const CanarySchema = z.object({ instances: z.number().int().positive(), weight: z.number().int().min(1).max(99) });

const rolloutData = {
  name: z.string().min(1),
  from: PackageRefSchema,
  to: PackageRefSchema,
  maxSurge: z.number().int().nonnegative(),
  maxUnavailable: z.number().int().nonnegative(),
};

/**
 * AppUpdateStarted records an operator's request to move a running app from one package version to another in batches: at
 * most `maxSurge` instances above the desired count, at most `maxUnavailable` below it; with `canary`, only that many new
 * instances are placed (taking `weight` % of traffic) until AppCanaryPromoted.
 */
export const AppUpdateStarted = defineEvent(
  'app',
  'AppUpdateStarted',
  z.object({ ...rolloutData, canary: CanarySchema.nullable() }),
);

/** AppCanaryPromoted records that a canary rollout may now replace every remaining old-version instance. */
export const AppCanaryPromoted = defineEvent(
  'app',
  'AppCanaryPromoted',
  z.object({ name: z.string().min(1), version: z.string().min(1) }),
);

/** AppRollbackStarted records a rollout back to the previous package version (`to`), along the same rolling path. */
export const AppRollbackStarted = defineEvent('app', 'AppRollbackStarted', z.object(rolloutData));

/** AppUpdateCompleted records that no instance of an older version remains: the app runs `version` only. */
export const AppUpdateCompleted = defineEvent(
  'app',
  'AppUpdateCompleted',
  z.object({ name: z.string().min(1), version: z.string().min(1) }),
);

/**
 * InstanceDraining records that an old-version instance is taken out of the load balancer (`at`, ISO time) during a rollout;
 * it is stopped once the drain period has passed.
 */
export const InstanceDraining = defineEvent(
  'app',
  'InstanceDraining',
  z.object({
    app: z.string().min(1),
    instanceId: z.string().uuid(),
    nodeId: z.string().min(1),
    at: z.string().datetime(),
  }),
);

/**
 * AppRepairBackedOff records that instance repair replaced one of the app's instances (`reason`), the `attempts`-th repair
 * in a row without a healthy period in between, at `at`; the app's next repair waits until `nextAttemptAt` (ISO times), the
 * way Kubernetes' CrashLoopBackOff spaces out restarts.
 */
export const AppRepairBackedOff = defineEvent(
  'app',
  'AppRepairBackedOff',
  z.object({
    name: z.string().min(1),
    reason: z.string().min(1),
    attempts: z.number().int().positive(),
    at: z.string().datetime(),
    nextAttemptAt: z.string().datetime(),
  }),
);
