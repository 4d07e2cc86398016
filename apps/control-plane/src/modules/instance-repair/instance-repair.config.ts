import { z } from 'zod';
import { RepairBackoff } from '@mammoth/domain';

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
  /** backoff spaces out repeated replacements of one failing lineage (first immediate, then base, 2×base, … up to max). */
  readonly backoff: RepairBackoff;
}

/** INSTANCE_REPAIR_CONFIG is the injection token of the InstanceRepairConfig. */
export const INSTANCE_REPAIR_CONFIG = Symbol('InstanceRepairConfig');

const ms = (min: number) => z.coerce.number().int().min(min);
const Env = z.object({
  INSTANCE_REPAIR: z.enum(['on', 'off']).default('on'),
  INSTANCE_REPAIR_WATCH_MS: ms(50).default(500),
  INSTANCE_REPAIR_SWEEP_MS: ms(100).default(15000),
  INSTANCE_REPAIR_STARTUP_LOOKBACK_MS: ms(0).default(24 * 3_600_000),
  INSTANCE_REPAIR_BACKOFF_MS: ms(0).default(10_000),
  INSTANCE_REPAIR_BACKOFF_MAX_MS: ms(0).default(5 * 60_000),
});

/** loadInstanceRepairConfig reads the instance repair settings, naming the variable at fault. */
export function loadInstanceRepairConfig(env: NodeJS.ProcessEnv = process.env): InstanceRepairConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `instance repair: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const e = parsed.data;
  if (e.INSTANCE_REPAIR_BACKOFF_MAX_MS < e.INSTANCE_REPAIR_BACKOFF_MS) {
    throw new Error(
      `instance repair: INSTANCE_REPAIR_BACKOFF_MAX_MS (${e.INSTANCE_REPAIR_BACKOFF_MAX_MS}) must be at least INSTANCE_REPAIR_BACKOFF_MS (${e.INSTANCE_REPAIR_BACKOFF_MS})`,
    );
  }
  return {
    enabled: e.INSTANCE_REPAIR === 'on',
    watchMs: e.INSTANCE_REPAIR_WATCH_MS,
    sweepMs: e.INSTANCE_REPAIR_SWEEP_MS,
    startupLookbackMs: e.INSTANCE_REPAIR_STARTUP_LOOKBACK_MS,
    // A lineage that ran twice the longest delay without failing again is healthy: the next failure starts over.
    backoff: {
      baseMs: e.INSTANCE_REPAIR_BACKOFF_MS,
      maxMs: e.INSTANCE_REPAIR_BACKOFF_MAX_MS,
      resetAfterMs: Math.max(60_000, 2 * e.INSTANCE_REPAIR_BACKOFF_MAX_MS),
    },
  };
}
