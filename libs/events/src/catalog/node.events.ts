import { z } from 'zod';
import { defineEvent } from './define';
import { HealthCheckSchema } from './health';
import { EnvSchema, IsolationSchema, LabelsSchema, PackageRefSchema, ResourcesSchema } from './shared';

/** NodeRegistered records a machine joining (or re-joining with new facts) with what it offers. */
export const NodeRegistered = defineEvent(
  'node',
  'NodeRegistered',
  z.object({
    nodeId: z.string().min(1),
    hostname: z.string().min(1),
    address: z.string().min(1),
    capacity: ResourcesSchema,
    portRange: z.object({ from: z.number().int().min(1).max(65535), to: z.number().int().min(1).max(65535) }),
    labels: LabelsSchema,
    driver: z.enum(['docker', 'sim']),
    /** metricsPort is where the node's daemon serves /metrics on `address` (absent: it does not say). */
    metricsPort: z.number().int().min(1).max(65535).optional(),
  }),
);

/**
 * InstanceAssigned tells a node to run an instance (and check its health, if the app has a check, and confine it as the
 * app's `isolation` says; absent: the bridge network): the node daemon's desired state is the fold of these.
 */
export const InstanceAssigned = defineEvent(
  'node',
  'InstanceAssigned',
  z.object({
    instanceId: z.string().uuid(),
    app: z.string().min(1),
    package: PackageRefSchema,
    resources: ResourcesSchema,
    port: z.number().int().min(1).max(65535),
    env: EnvSchema,
    healthCheck: HealthCheckSchema.optional(),
    isolation: IsolationSchema.optional(),
  }),
);

/** InstanceUnassigned tells a node to stop an instance and frees its resources and port. */
export const InstanceUnassigned = defineEvent(
  'node',
  'InstanceUnassigned',
  z.object({
    instanceId: z.string().uuid(),
    app: z.string().min(1),
    reason: z.string().min(1),
  }),
);

/** NodeLost records the failure detector's decision that a node is gone: no heartbeat since `lastSeen` (null: none since the detector took over). */
export const NodeLost = defineEvent(
  'node',
  'NodeLost',
  z.object({
    nodeId: z.string().min(1),
    at: z.string().datetime(),
    lastSeen: z.string().datetime().nullable(),
    reason: z.string().min(1),
  }),
);

/** NodeRecovered records that a lost node heartbeats again; its stale instances are stopped once their replacements run. */
export const NodeRecovered = defineEvent(
  'node',
  'NodeRecovered',
  z.object({
    nodeId: z.string().min(1),
    at: z.string().datetime(),
    reason: z.string().min(1),
  }),
);

/** NodeRemoved records that a node lost for too long is cleaned up: every assignment it still had is released. */
export const NodeRemoved = defineEvent(
  'node',
  'NodeRemoved',
  z.object({
    nodeId: z.string().min(1),
    reason: z.string().min(1),
    released: z.array(z.object({ instanceId: z.string().uuid(), app: z.string().min(1) })),
  }),
);
