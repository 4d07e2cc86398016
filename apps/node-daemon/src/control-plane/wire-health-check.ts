import { HealthCheck } from '@mammoth/events';

/** WireHealthCheck is a health check as the nodeAssignments query returns it: kind by its API name (HTTP, TCP, COMMAND). */
export interface WireHealthCheck {
  kind: string;
  path: string | null;
  expectedStatus: number | null;
  command: string[] | null;
  intervalMs: number;
  timeoutMs: number;
  gracePeriodMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
}

/** HEALTH_CHECK_FIELDS is the selection of a health check in the node daemon's queries. */
export const HEALTH_CHECK_FIELDS =
  'healthCheck { kind path expectedStatus command intervalMs timeoutMs gracePeriodMs unhealthyThreshold healthyThreshold }';

/** fromWireHealthCheck maps the API's health check onto the domain's; null stays absent. */
export function fromWireHealthCheck(w: WireHealthCheck | null | undefined): HealthCheck | undefined {
  if (!w) return undefined;
  const timing = {
    intervalMs: w.intervalMs,
    timeoutMs: w.timeoutMs,
    gracePeriodMs: w.gracePeriodMs,
    unhealthyThreshold: w.unhealthyThreshold,
    healthyThreshold: w.healthyThreshold,
  };
  switch (w.kind) {
    case 'HTTP':
      return { kind: 'http', path: w.path ?? '/', expectedStatus: w.expectedStatus ?? 200, ...timing };
    case 'TCP':
      return { kind: 'tcp', ...timing };
    case 'COMMAND':
      return { kind: 'command', command: w.command ?? [], ...timing };
    default:
      throw new Error(`unknown health check kind ${w.kind} from the control plane`);
  }
}
