import { z } from 'zod';
import { int } from '@mammoth/platform';

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

/** rolloutConfig is the schema of the rollout settings: ROLLOUT_DRAIN_MS (2000), ROLLOUT_WATCH_MS (100), ROLLOUT_SWEEP_MS (500). */
export const rolloutConfig = z
  .object({
    ROLLOUT_DRAIN_MS: int(0).default(2000),
    ROLLOUT_WATCH_MS: int(20).default(100),
    ROLLOUT_SWEEP_MS: int(50).default(500),
  })
  .transform((e): RolloutConfig => ({
    drainMs: e.ROLLOUT_DRAIN_MS,
    watchMs: e.ROLLOUT_WATCH_MS,
    sweepMs: e.ROLLOUT_SWEEP_MS,
  }));
