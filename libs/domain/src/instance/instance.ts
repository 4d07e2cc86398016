import { InstanceEvent, makeEvent } from '@mammoth/events';
import { Decision, DomainError, exhaustive } from '../shared/errors';
import { firstError } from '../shared/validation';

/** InstanceRuntimeState is the last state a node reported for an instance. */
export type InstanceRuntimeState = 'unknown' | 'running' | 'exited' | 'failed' | 'stopped';

/** InstanceHealth is what the instance's health check last said: unknown until a result (or after its container changed). */
export type InstanceHealth = 'unknown' | 'healthy' | 'unhealthy';

/** InstanceState is the fold of an instance stream: what its node last reported. */
export interface InstanceState {
  readonly state: InstanceRuntimeState;
  readonly containerId: string | null;
  readonly exitCode: number | null;
  readonly restarts: number;
  readonly health: InstanceHealth;
  readonly healthMessage: string | null;
  /** exits are the times of the latest exits (at most MAX_TRACKED_EXITS), oldest first; exits without a time are not kept. */
  readonly exits: readonly string[];
}

/** MAX_TRACKED_EXITS bounds the exit times an instance keeps: enough for the largest crash-loop limit. */
export const MAX_TRACKED_EXITS = 101;

/** HealthReport is a node's health check verdict on an instance's running container. */
export interface HealthReport {
  readonly healthy: boolean;
  readonly message: string;
}

/** ReportInstance is a node daemon's report of an instance's runtime state. */
export interface ReportInstance {
  readonly type: 'ReportInstance';
  readonly instanceId: string;
  readonly app: string;
  readonly nodeId: string;
  readonly state: Exclude<InstanceRuntimeState, 'unknown'>;
  readonly containerId?: string | null;
  readonly exitCode?: number | null;
  readonly reason?: string | null;
  /** health, on a running report, is the health check's verdict on that container. */
  readonly health?: HealthReport | null;
  /** at, on an exited report, is when the container exited (ISO time). */
  readonly at?: string | null;
  /** nextAttemptAt, on an exited report, is when the node will restart the container (ISO time). */
  readonly nextAttemptAt?: string | null;
}

export const initialInstanceState = (): InstanceState => ({
  state: 'unknown',
  containerId: null,
  exitCode: null,
  restarts: 0,
  health: 'unknown',
  healthMessage: null,
  exits: [],
});

/** evolveInstance folds one instance event into the state. */
export function evolveInstance(state: InstanceState, event: InstanceEvent): InstanceState {
  switch (event.type) {
    case 'InstanceRunning': {
      const restarts = state.state === 'exited' ? state.restarts + 1 : state.restarts;
      // A new container's health is unknown until its first check; the same container keeps what was said of it.
      const health =
        state.containerId === event.data.containerId ? {} : { health: 'unknown' as const, healthMessage: null };
      return { ...state, state: 'running', containerId: event.data.containerId, restarts, ...health };
    }
    case 'InstanceExited': {
      const exits = event.data.at ? [...state.exits, event.data.at].slice(-MAX_TRACKED_EXITS) : state.exits;
      return {
        ...state,
        state: 'exited',
        containerId: event.data.containerId,
        exitCode: event.data.exitCode,
        health: 'unknown',
        exits,
      };
    }
    case 'InstanceFailed':
      return { ...state, state: 'failed', health: 'unknown' };
    case 'InstanceStopped':
      return { ...state, state: 'stopped' };
    case 'InstanceHealthChanged':
      return { ...state, health: event.data.healthy ? 'healthy' : 'unhealthy', healthMessage: event.data.message };
    default:
      return exhaustive(event);
  }
}

/** foldInstance folds an instance stream's events, in order, onto `state` (initialInstanceState() for a whole stream). */
export function foldInstance(state: InstanceState, events: readonly InstanceEvent[]): InstanceState {
  return events.reduce(evolveInstance, state);
}

/**
 * decideInstance turns a report into events; repeating the last report (same state, same container, same health) writes
 * nothing. A running report may carry the container's health: a change of health is an InstanceHealthChanged. A running
 * report for a container already reported exited is late (a check that finished after the exit) and writes nothing.
 */
export function decideInstance(cmd: ReportInstance, state: InstanceState): Decision<InstanceEvent> {
  const base = { instanceId: cmd.instanceId, app: cmd.app, nodeId: cmd.nodeId };
  if (state.state === 'stopped') return [];
  switch (cmd.state) {
    case 'running': {
      if (!cmd.containerId) return DomainError.invalid('containerId', 'is required for a running instance');
      if (state.state === 'exited' && state.containerId === cmd.containerId) return [];
      const events: InstanceEvent[] = [];
      if (!(state.state === 'running' && state.containerId === cmd.containerId))
        events.push(makeEvent('InstanceRunning', { ...base, containerId: cmd.containerId }));
      const health = cmd.health ? (cmd.health.healthy ? 'healthy' : 'unhealthy') : null;
      if (health && foldInstance(state, events).health !== health) {
        events.push(
          makeEvent('InstanceHealthChanged', {
            ...base,
            healthy: health === 'healthy',
            message: cmd.health!.message,
            containerId: cmd.containerId,
          }),
        );
      }
      return events;
    }
    case 'exited': {
      if (!cmd.containerId) return DomainError.invalid('containerId', 'is required for an exited instance');
      if (cmd.exitCode === null || cmd.exitCode === undefined)
        return DomainError.invalid('exitCode', 'is required for an exited instance');
      const times = firstError(checkTime('at', cmd.at), checkTime('nextAttemptAt', cmd.nextAttemptAt));
      if (times) return times;
      if (state.state === 'exited' && state.containerId === cmd.containerId) return [];
      const when = {
        ...(cmd.at ? { at: cmd.at } : {}),
        ...(cmd.nextAttemptAt ? { nextAttemptAt: cmd.nextAttemptAt } : {}),
      };
      return [makeEvent('InstanceExited', { ...base, containerId: cmd.containerId, exitCode: cmd.exitCode, ...when })];
    }
    case 'failed':
      if (state.state === 'failed') return [];
      return [makeEvent('InstanceFailed', { ...base, reason: cmd.reason || 'unknown failure' })];
    case 'stopped':
      return [makeEvent('InstanceStopped', base)];
    default:
      return exhaustive(cmd.state);
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function checkTime(field: string, value: string | null | undefined): DomainError | null {
  if (value == null || (ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)))) return null;
  return DomainError.invalid(field, `"${value}" is not an ISO 8601 UTC time such as 2024-01-01T00:00:00.000Z`);
}
