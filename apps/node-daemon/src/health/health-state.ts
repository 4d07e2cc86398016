import { HealthCheck } from '@mammoth/events';
import { ProbeResult } from '../runtime/container-runtime';

/** HealthStatus is what the node believes of one container: unknown until enough results agree. */
export type HealthStatus = 'unknown' | 'healthy' | 'unhealthy';

/** HealthState counts one container's consecutive successes and failures towards the check's thresholds. */
export interface HealthState {
  readonly status: HealthStatus;
  readonly successes: number;
  readonly failures: number;
}

/** Observation is the state after one result and, when the status just changed, the verdict to report. */
export interface Observation {
  readonly state: HealthState;
  readonly verdict: ProbeResult | null;
}

export const initialHealth = (): HealthState => ({ status: 'unknown', successes: 0, failures: 0 });

/**
 * observe folds one probe result into a container's health (Marathon's semantics, Kubernetes' thresholds): `healthyThreshold`
 * consecutive successes make it healthy, `unhealthyThreshold` consecutive failures unhealthy. While `inGrace` (the container
 * started less than the grace period ago) failures are ignored until it has first been healthy, so a slow start is not a
 * failure. Only a change of status yields a verdict; the message is the result's.
 */
export function observe(
  state: HealthState,
  result: ProbeResult,
  check: Pick<HealthCheck, 'healthyThreshold' | 'unhealthyThreshold'>,
  inGrace: boolean,
): Observation {
  if (result.healthy) {
    const successes = state.successes + 1;
    const becomes = state.status !== 'healthy' && successes >= check.healthyThreshold;
    return {
      state: { status: becomes ? 'healthy' : state.status, successes, failures: 0 },
      verdict: becomes ? result : null,
    };
  }
  if (inGrace && state.status === 'unknown') return { state: { ...state, successes: 0, failures: 0 }, verdict: null };
  const failures = state.failures + 1;
  const becomes = state.status !== 'unhealthy' && failures >= check.unhealthyThreshold;
  return {
    state: { status: becomes ? 'unhealthy' : state.status, successes: 0, failures },
    verdict: becomes ? result : null,
  };
}
