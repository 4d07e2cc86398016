import { DomainError } from '../shared/errors';
import { checkInt, firstError } from '../shared/validation';
import { InstanceState, MAX_TRACKED_EXITS } from './instance';

/** RestartPolicy says how often a node may restart an instance in place: `maxRestarts` within `windowMs`, then it moves. */
export interface RestartPolicy {
  readonly maxRestarts: number;
  readonly windowMs: number;
}

/** DEFAULT_RESTART_POLICY lets a node restart an instance 5 times within 10 minutes; the next exit reschedules it. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestarts: 5, windowMs: 10 * 60_000 };

/** restartPolicyOf reads an app's restart policy, defaults filled in for what it does not say. */
export function restartPolicyOf(spec: {
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
}): RestartPolicy {
  return {
    maxRestarts: spec.maxRestarts ?? DEFAULT_RESTART_POLICY.maxRestarts,
    windowMs: spec.restartWindowMs ?? DEFAULT_RESTART_POLICY.windowMs,
  };
}

/** checkRestartPolicy validates an app's optional maxRestarts (0-100) and restartWindowMs (1 s to 1 day). */
export function checkRestartPolicy(
  maxRestarts: number | undefined,
  restartWindowMs: number | undefined,
): DomainError | null {
  return firstError(
    maxRestarts === undefined ? null : checkInt('maxRestarts', maxRestarts, 0, MAX_TRACKED_EXITS - 1),
    restartWindowMs === undefined ? null : checkInt('restartWindowMs', restartWindowMs, 1000, 86_400_000),
  );
}

/**
 * crashLoop says whether an instance is crash-looping under the policy: it exited more than `maxRestarts` times and the
 * last `maxRestarts + 1` exits all fall within `windowMs`. It returns the reason to record, or null. It reads only exit
 * times recorded in the instance's events, so every control plane reaches the same verdict.
 */
export function crashLoop(state: InstanceState, policy: RestartPolicy): string | null {
  const n = policy.maxRestarts + 1;
  if (state.exits.length < n) return null;
  const recent = state.exits.slice(-n);
  const spanMs = Date.parse(recent[n - 1]) - Date.parse(recent[0]);
  if (!(spanMs <= policy.windowMs)) return null;
  const code = state.exitCode === null ? '' : `, last exit code ${state.exitCode}`;
  return `crash loop: exited ${n} times within ${seconds(spanMs)} (at most ${policy.maxRestarts} restarts per ${seconds(policy.windowMs)})${code}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
