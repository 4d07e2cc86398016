import { EventOfType, RecordedEvent } from '@mammoth/events';
import { laterOf, TableModel } from '../../row-store/table';

/** ReportedState is what a node last reported about an instance ('placed' until it reports). */
type ReportedState = 'placed' | 'running' | 'exited' | 'failed' | 'stopped';

/** InstanceRow is one row of rm_instances: where an instance runs, what is wanted of it and what its node last reported. */
export interface InstanceRow {
  instance_id: string;
  app: string;
  node_id: string;
  host: string | null;
  port: number | null;
  desired: 'run' | 'stop';
  state: ReportedState | 'stopping' | 'lost';
  container_id: string | null;
  exit_code: number | null;
  message: string | null;
  placed_at: string | null;
  /** placed_version is the app stream version of its InstancePlaced: it belongs to the app's incarnation deployed before it. */
  placed_version: number | null;
  updated_at: string;
  /** health_check is the kind of the app's health check, null when it has none. */
  health_check: string | null;
  /** health is the last verdict on the current container, else 'healthy' for a running instance without a check, else 'unknown'. */
  health: 'unknown' | 'healthy' | 'unhealthy';
  health_message: string | null;
  /** health_at is when the current container's last verdict was reported; null until its first. */
  health_at: string | null;
  /** restarts counts the containers that replaced an earlier one of the instance on its node. */
  restarts: number;
  last_exit_code: number | null;
  /** next_attempt_at is when the node will restart the exited container (its backoff), null while one runs. */
  next_attempt_at: string | null;
}

const HANDLES = [
  'InstancePlaced',
  'InstanceStopRequested',
  'InstanceLost',
  'InstanceRunning',
  'InstanceExited',
  'InstanceFailed',
  'InstanceStopped',
  'InstanceHealthChanged',
] as const;
type Handled = (typeof HANDLES)[number];

/**
 * instancesTable folds the app stream's placement decisions and the instance stream's node reports into rm_instances.
 * The two travel on different topics, so they may arrive in any order; each column has one source (placement: host, port,
 * placed_at, placed_version, health_check; stop request: desired; reports: container_id, exit_code, message, the health verdict, restarts,
 * last_exit_code, next_attempt_at) and `state` is derived from desired and the last report (a stopped-for-good instance reads
 * 'stopping' until its node reports 'stopped'), `health` from the verdict, state and check, so the row ends the same either way.
 */
export const instancesTable: TableModel<InstanceRow, Handled> = {
  table: 'rm_instances',
  columns: {
    instance_id: 'uuid',
    app: 'text',
    node_id: 'text',
    host: 'text',
    port: 'int',
    desired: 'text',
    state: 'text',
    container_id: 'text',
    exit_code: 'int',
    message: 'text',
    placed_at: 'timestamptz',
    placed_version: 'int',
    updated_at: 'timestamptz',
    health_check: 'text',
    health: 'text',
    health_message: 'text',
    health_at: 'timestamptz',
    restarts: 'int',
    last_exit_code: 'int',
    next_attempt_at: 'timestamptz',
  },
  key: ['instance_id'],
  handles: HANDLES,
  keyOf: (e) => [e.event.data.instanceId],
  evolve: (existing, e) => withHealth(fold(existing, e)),
};

/** fold applies one event to a row (or a new one) before `health` is derived. */
function fold(existing: InstanceRow | null, e: RecordedEvent<EventOfType<Handled>>): InstanceRow {
  const row = { ...(existing ?? newRow(e)), updated_at: laterOf(existing?.updated_at, e.metadata.timestamp) };
  const ev = e.event;
  switch (ev.type) {
    case 'InstancePlaced': {
      const { app, nodeId, host, port, healthCheckKind } = ev.data;
      return {
        ...row,
        app,
        node_id: nodeId,
        host,
        port,
        placed_at: e.metadata.timestamp,
        placed_version: e.streamVersion,
        health_check: healthCheckKind ?? null,
      };
    }
    case 'InstanceStopRequested':
      return { ...row, desired: 'stop', state: stateOf('stop', row.state === 'stopped' ? 'stopped' : 'running') };
    case 'InstanceLost':
      // Replaced elsewhere, still on its unreachable node: 'lost' until it is stopped there (or its node is removed); the why is in the log.
      return { ...row, desired: 'stop', state: row.state === 'stopped' ? 'stopped' : 'lost' };
    case 'InstanceRunning': {
      // A different container than the last one reported is a restart, and nothing is known yet of its health.
      const next = row.container_id !== null && row.container_id !== ev.data.containerId;
      const fresh = next ? { restarts: row.restarts + 1, health_at: null, health_message: null } : {};
      return report(row, 'running', {
        container_id: ev.data.containerId,
        exit_code: null,
        message: null,
        next_attempt_at: null,
        ...fresh,
      });
    }
    case 'InstanceExited': {
      const { containerId, exitCode, nextAttemptAt } = ev.data;
      const exit = {
        exit_code: exitCode,
        last_exit_code: exitCode,
        next_attempt_at: nextAttemptAt ?? null,
        health_at: null,
        health_message: null,
      };
      return report(row, 'exited', { container_id: containerId, message: null, ...exit });
    }
    case 'InstanceFailed':
      return report(row, 'failed', { message: ev.data.reason, health_at: null, health_message: null });
    case 'InstanceStopped':
      return report(row, 'stopped', { next_attempt_at: null });
    case 'InstanceHealthChanged':
      return {
        ...row,
        health: ev.data.healthy ? 'healthy' : 'unhealthy',
        health_message: ev.data.message,
        health_at: e.metadata.timestamp,
      };
    default: {
      const _exhaustive: never = ev;
      return _exhaustive;
    }
  }
}

/** withHealth derives `health` where no verdict stands for the current container: a running instance without a check is healthy. */
function withHealth(row: InstanceRow): InstanceRow {
  if (row.health_at !== null) return row;
  return { ...row, health: row.state === 'running' && row.health_check === null ? 'healthy' : 'unknown' };
}

function newRow(e: RecordedEvent<EventOfType<Handled>>): InstanceRow {
  const d = e.event.data;
  return {
    instance_id: d.instanceId,
    app: d.app,
    node_id: d.nodeId,
    host: null,
    port: null,
    desired: 'run',
    state: 'placed',
    container_id: null,
    exit_code: null,
    message: null,
    placed_at: null,
    placed_version: null,
    updated_at: e.metadata.timestamp,
    health_check: null,
    health: 'unknown',
    health_message: null,
    health_at: null,
    restarts: 0,
    last_exit_code: null,
    next_attempt_at: null,
  };
}

function report(row: InstanceRow, reported: ReportedState, fields: Partial<InstanceRow>): InstanceRow {
  // A lost instance stays 'lost' whatever its node says, until it is asked to stop or reports stopped.
  if (row.state === 'lost' && reported !== 'stopped') return { ...row, ...fields, state: 'lost' };
  return { ...row, ...fields, state: stateOf(row.desired, reported) };
}

/** stateOf derives the visible state: while an instance is wanted, what its node reported; once stopped for good, 'stopping' until it is 'stopped'. */
function stateOf(desired: InstanceRow['desired'], reported: ReportedState): InstanceRow['state'] {
  return desired === 'stop' && reported !== 'stopped' ? 'stopping' : reported;
}
