import { z } from 'zod';
import { RepairBackoff } from '@mammoth/domain';
import { int, onOff } from '@mammoth/platform';

/** InstanceRepairConfig tunes the loop that replaces unhealthy and crash-looping instances; durations in milliseconds. */
export interface InstanceRepairConfig {
  /** enabled is false with INSTANCE_REPAIR=off. */
  readonly enabled: boolean;
  /** watchMs is how often the log is read for new health verdicts and exits. */
  readonly watchMs: number;
  /** sweepMs is how often recent verdicts and exits are looked at again, whatever the log tail said (a late commit, a failed attempt). */
  readonly sweepMs: number;
  /** startupLookbackMs is how far back the first sweep after start looks (exits and verdicts while no control plane ran). */
  readonly startupLookbackMs: number;
  /** backoff spaces out an app's repairs in a row (first immediate, then base, 2×base, … up to max). */
  readonly backoff: RepairBackoff;
}

/** INSTANCE_REPAIR_CONFIG is the injection token of the InstanceRepairConfig. */
export const INSTANCE_REPAIR_CONFIG = Symbol('InstanceRepairConfig');

/**
 * instanceRepairConfig is the schema of the instance repair settings: INSTANCE_REPAIR (on), INSTANCE_REPAIR_WATCH_MS (500),
 * INSTANCE_REPAIR_SWEEP_MS (15000), INSTANCE_REPAIR_STARTUP_LOOKBACK_MS (24 h), INSTANCE_REPAIR_BACKOFF_MS (10000) and
 * INSTANCE_REPAIR_BACKOFF_MAX_MS (5 min, at least the backoff).
 */
export const instanceRepairConfig = z
  .object({
    INSTANCE_REPAIR: onOff('on'),
    INSTANCE_REPAIR_WATCH_MS: int(50).default(500),
    INSTANCE_REPAIR_SWEEP_MS: int(100).default(15000),
    INSTANCE_REPAIR_STARTUP_LOOKBACK_MS: int(0).default(24 * 3_600_000),
    INSTANCE_REPAIR_BACKOFF_MS: int(0).default(10_000),
    INSTANCE_REPAIR_BACKOFF_MAX_MS: int(0).default(5 * 60_000),
  })
  .refine((e) => e.INSTANCE_REPAIR_BACKOFF_MAX_MS >= e.INSTANCE_REPAIR_BACKOFF_MS, {
    message: 'must be at least INSTANCE_REPAIR_BACKOFF_MS',
    path: ['INSTANCE_REPAIR_BACKOFF_MAX_MS'],
  })
  .transform((e): InstanceRepairConfig => ({
    enabled: e.INSTANCE_REPAIR,
    watchMs: e.INSTANCE_REPAIR_WATCH_MS,
    sweepMs: e.INSTANCE_REPAIR_SWEEP_MS,
    startupLookbackMs: e.INSTANCE_REPAIR_STARTUP_LOOKBACK_MS,
    // An app that went twice the longest delay without a repair is healthy: its next repair starts over.
    backoff: {
      baseMs: e.INSTANCE_REPAIR_BACKOFF_MS,
      maxMs: e.INSTANCE_REPAIR_BACKOFF_MAX_MS,
      resetAfterMs: Math.max(60_000, 2 * e.INSTANCE_REPAIR_BACKOFF_MAX_MS),
    },
  }));
