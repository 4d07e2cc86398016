import { z } from 'zod';

/** HEALTH_CHECK_KINDS are the ways a node daemon can check an instance: an HTTP GET, a TCP connect, or a command in the container. */
export const HEALTH_CHECK_KINDS = ['http', 'tcp', 'command'] as const;
export type HealthCheckKind = (typeof HEALTH_CHECK_KINDS)[number];

const timing = {
  /** intervalMs is the time between the end of one probe and the start of the next. */
  intervalMs: z.number().int().positive(),
  /** timeoutMs is how long one probe may take before it counts as a failure. */
  timeoutMs: z.number().int().positive(),
  /** gracePeriodMs is how long after its container starts an instance's failures are ignored, until it is first healthy. */
  gracePeriodMs: z.number().int().nonnegative(),
  /** unhealthyThreshold is how many consecutive failures make an instance unhealthy. */
  unhealthyThreshold: z.number().int().positive(),
  /** healthyThreshold is how many consecutive successes make an instance healthy. */
  healthyThreshold: z.number().int().positive(),
};

/**
 * HealthCheckSchema is an app's health check as events carry it, every default filled in: an HTTP GET of `path` on the
 * instance's port answered with `expectedStatus`, a TCP connect to the port, or `command` run in the container exiting 0.
 */
export const HealthCheckSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('http'),
    path: z.string().min(1),
    expectedStatus: z.number().int().min(100).max(599),
    ...timing,
  }),
  z.object({ kind: z.literal('tcp'), ...timing }),
  z.object({ kind: z.literal('command'), command: z.array(z.string()).min(1), ...timing }),
]);
export type HealthCheck = z.infer<typeof HealthCheckSchema>;
