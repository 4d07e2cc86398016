import { AppEvent, makeEvent, NodeEvent } from '@mammoth/events';
import { DomainError } from '../shared/errors';
import { place } from '../scheduler/place';
import { exceedsEveryNode, formatReasons } from '../scheduler/reasons';
import { NodeCandidate } from '../scheduler/types';
import { AppState } from './app';

/** ScheduleResult is the events that converge an app towards its desired count, per stream. */
export interface ScheduleResult {
  readonly app: AppEvent[];
  readonly nodes: Map<string, NodeEvent[]>;
}

/** ScheduleOptions brings in what the pure core may not make itself: ids and randomness. */
export interface ScheduleOptions {
  readonly newInstanceId: () => string;
  readonly rng: () => number;
  readonly candidateLimit?: number;
}

/**
 * scheduleApp compares an app's desired count with its live instances and proposes the difference:
 * placements (InstancePlaced on the app, InstanceAssigned on the node), stops (InstanceStopRequested and
 * InstanceUnassigned, newest first), and one InstancesPending for whatever cannot be placed now.
 */
export function scheduleApp(state: AppState, nodes: readonly NodeCandidate[], opts: ScheduleOptions): ScheduleResult {
  const result: ScheduleResult = { app: [], nodes: new Map() };
  // While a rollout is in progress planRollout owns the app's placements and stops; removal still stops everything.
  if (state.status === 'none' || (state.status === 'active' && state.rollout)) return result;
  const { spec } = state;
  const desired = state.status === 'removed' ? 0 : spec.instances;
  const live = [...state.live.values()];
  const reason = state.status === 'removed' ? 'app removed' : 'scaled down';
  for (const inst of live.slice(desired).reverse()) {
    result.app.push(
      makeEvent('InstanceStopRequested', { app: spec.name, instanceId: inst.instanceId, nodeId: inst.nodeId, reason }),
    );
    push(
      result.nodes,
      inst.nodeId,
      makeEvent('InstanceUnassigned', { instanceId: inst.instanceId, app: spec.name, reason }),
    );
  }
  const missing = desired - live.length;
  if (missing <= 0) return result;
  const request = {
    app: spec.name,
    resources: spec.resources,
    count: missing,
    desired,
    strategy: spec.strategy,
    constraints: spec.constraints,
  };
  const plan = place(request, nodes, opts);
  // An app with a health check says so on each placement (its health is unknown until checked) and hands the check to the node.
  const checked = spec.healthCheck ? { healthCheckKind: spec.healthCheck.kind } : {};
  const check = {
    ...(spec.healthCheck ? { healthCheck: spec.healthCheck } : {}),
    ...(spec.isolation ? { isolation: spec.isolation } : {}),
  };
  for (const p of plan.placements) {
    const instanceId = opts.newInstanceId();
    result.app.push(
      makeEvent('InstancePlaced', {
        app: spec.name,
        instanceId,
        nodeId: p.nodeId,
        host: p.host,
        port: p.port,
        ...checked,
      }),
    );
    push(
      result.nodes,
      p.nodeId,
      makeEvent('InstanceAssigned', {
        instanceId,
        app: spec.name,
        package: spec.package,
        resources: spec.resources,
        port: p.port,
        env: { ...spec.env },
        ...check,
      }),
    );
  }
  if (plan.unplaced > 0) {
    const reasons = plan.reasons;
    // A placement clears the app's pending state (evolveApp), so the figure must be written again even if it is the same.
    const unchanged =
      plan.placements.length === 0 &&
      state.pending &&
      state.pending.count === plan.unplaced &&
      state.pending.reasons === JSON.stringify(reasons);
    if (!unchanged) result.app.push(makeEvent('InstancesPending', { app: spec.name, count: plan.unplaced, reasons }));
  }
  return result;
}

/** checkPlaceable refuses a shape larger than every node's whole capacity: it could never run, so it is bad input, not pending. */
export function checkPlaceable(
  resources: NodeCandidate['capacity'],
  nodes: readonly NodeCandidate[],
): DomainError | null {
  const over = exceedsEveryNode({ resources }, nodes);
  if (over.length === 0) return null;
  const field = over[0].split(' ')[0];
  return new DomainError('CANNOT_PLACE', `${field}: cannot place: ${over.join('; ')}`, field, { reasons: over });
}

/** pendingSummary renders an app's pending reasons for the API. */
export function pendingSummary(reasons: { reason: string; nodes: number }[]): string {
  return formatReasons(reasons);
}

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
