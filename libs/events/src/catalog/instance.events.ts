import { z } from 'zod';
import { defineEvent } from './define';

const base = { instanceId: z.string().uuid(), app: z.string().min(1), nodeId: z.string().min(1) };

/** InstanceRunning is a node's report that an instance's container is up. */
export const InstanceRunning = defineEvent(
  'instance',
  'InstanceRunning',
  z.object({ ...base, containerId: z.string().min(1) }),
);

/**
 * InstanceExited is a node's report that an instance's container exited while it was wanted: `at` is when (absent in old
 * events), `nextAttemptAt` when the node will restart it (its backoff), if it said.
 */
export const InstanceExited = defineEvent(
  'instance',
  'InstanceExited',
  z.object({
    ...base,
    exitCode: z.number().int(),
    containerId: z.string().min(1),
    at: z.string().datetime().optional(),
    nextAttemptAt: z.string().datetime().optional(),
  }),
);

/** InstanceFailed is a node's report that it could not start an instance at all (for example a bad image). */
export const InstanceFailed = defineEvent(
  'instance',
  'InstanceFailed',
  z.object({ ...base, reason: z.string().min(1) }),
);

/** InstanceStopped is a node's report that an instance's container was stopped and removed on request. */
export const InstanceStopped = defineEvent('instance', 'InstanceStopped', z.object({ ...base }));

/**
 * InstanceHealthChanged is a node's report that an instance's health check result changed: healthy after `healthyThreshold`
 * consecutive successes, unhealthy after `unhealthyThreshold` consecutive failures; `message` is the last check's outcome.
 */
export const InstanceHealthChanged = defineEvent(
  'instance',
  'InstanceHealthChanged',
  z.object({
    ...base,
    healthy: z.boolean(),
    message: z.string(),
    containerId: z.string().min(1).optional(),
  }),
);
