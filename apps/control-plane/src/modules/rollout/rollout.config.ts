import { z } from 'zod';

/** RolloutConfig tunes the rollout controller; durations in milliseconds. */
export interface RolloutConfig {
  /** drainMs is how long an old instance stays out of the load balancer, still running, before it is stopped (ROLLOUT_DRAIN_MS). */
  readonly drainMs: number;
  /** watchMs is how often the log is read for events that may move a rollout (ROLLOUT_WATCH_MS). */
  readonly watchMs: number;
  /** sweepMs is how often every app with a rollout in progress is stepped whatever the log said (ROLLOUT_SWEEP_MS). */
  readonly sweepMs: number;
}

/** ROLLOUT_CONFIG is the injection token of the RolloutConfig. */
export const ROLLOUT_CONFIG = Symbol('RolloutConfig');

const ms = (min: number) => z.coerce.number().int().min(min);
const Env = z.object({
  ROLLOUT_DRAIN_MS: ms(0).default(2000),
  ROLLOUT_WATCH_MS: ms(20).default(100),
  ROLLOUT_SWEEP_MS: ms(50).default(500),
});

/** loadRolloutConfig reads the rollout settings, naming the variable at fault. */
export function loadRolloutConfig(env: NodeJS.ProcessEnv = process.env): RolloutConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success)
    throw new Error(`rollout: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  return { drainMs: e.ROLLOUT_DRAIN_MS, watchMs: e.ROLLOUT_WATCH_MS, sweepMs: e.ROLLOUT_SWEEP_MS };
}
