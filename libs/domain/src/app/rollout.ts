import { AppEvent, makeEvent } from '@mammoth/events';
import { InstanceState } from '../instance/instance';
import { place } from '../scheduler/place';
import { NodeCandidate } from '../scheduler/types';
import { AppState, foldApp, LiveInstance } from './app';
import { push, ScheduleOptions, ScheduleResult, scheduleApp } from './schedule';

/** Health is what the caller knows of an instance: healthy (or running without a health check), unhealthy, or unknown. */
export type Health = 'healthy' | 'unhealthy' | 'unknown';

/**
 * instanceHealth is what a rollout knows of an instance from its stream: a running one is as healthy as its check last said
 * (healthy without a check), an exited or failed one is unhealthy, anything else is unknown.
 */
export function instanceHealth(instance: InstanceState, checked: boolean): Health {
  if (instance.state === 'running') return checked ? instance.health : 'healthy';
  return instance.state === 'exited' || instance.state === 'failed' ? 'unhealthy' : 'unknown';
}

/** RolloutOptions brings in time, the drain period, ids and randomness. */
export interface RolloutOptions extends ScheduleOptions {
  /** now is the current time in ms since the epoch. */
  readonly now: number;
  /** drainMs is how long a draining instance stays up, out of the load balancer, before it is stopped. */
  readonly drainMs: number;
}

/** ROLLING_UPDATE is the reason of every stop a rollout makes. */
export const ROLLING_UPDATE = 'rolling update';

/**
 * planRollout moves an app with a rollout in progress one step towards running only the target version, with desired count
 * N, surge S and unavailable U:
 * - old-version instances drained for at least `drainMs` are stopped (InstanceStopRequested and InstanceUnassigned);
 * - new-version instances are placed while live < N + S and new < N (or < canary.instances while in canary);
 * - old-version instances are drained (InstanceDraining: out of the load balancer) while, without them, at least N − U
 *   healthy instances serve; a new instance counts only once healthy; an unhealthy old one may always go, and goes first;
 *   one whose health is unknown waits for its verdict;
 * - once no old-version instance is live (and no canary waits for promotion): AppUpdateCompleted, then steady-state
 *   scheduling (scheduleApp) in the same result, so a scale during the rollout converges.
 * With no rollout it is scheduleApp. It is idempotent on a state that already holds its own output.
 */
export function planRollout(
  state: AppState,
  healthOf: (instanceId: string) => Health,
  nodes: readonly NodeCandidate[],
  opts: RolloutOptions,
): ScheduleResult {
  if (state.status !== 'active' || !state.rollout) return scheduleApp(state, nodes, opts);
  const { spec, rollout } = state;
  const result: ScheduleResult = { app: [], nodes: new Map() };
  const app = spec.name;
  const N = spec.instances;
  const target = rollout.to.version;
  const stop = (inst: LiveInstance) => {
    result.app.push(
      makeEvent('InstanceStopRequested', {
        app,
        instanceId: inst.instanceId,
        nodeId: inst.nodeId,
        reason: ROLLING_UPDATE,
      }),
    );
    push(
      result.nodes,
      inst.nodeId,
      makeEvent('InstanceUnassigned', { instanceId: inst.instanceId, app, reason: ROLLING_UPDATE }),
    );
  };

  // 1. Stop old instances whose drain period has passed.
  let live = [...state.live.values()];
  for (const inst of live) if (inst.drainingSince !== null && opts.now - inst.drainingSince >= opts.drainMs) stop(inst);
  live = live.filter(
    (i) => !result.app.some((e) => e.type === 'InstanceStopRequested' && e.data.instanceId === i.instanceId),
  );

  const isNew = (i: LiveInstance) => i.version === target;
  const fresh = live.filter(isNew);
  const old = live.filter((i) => !isNew(i));
  const newTarget = rollout.canary ? Math.min(rollout.canary.instances, N) : N;

  // 2. Finished: nothing old left and no canary waiting.
  if (old.length === 0 && !rollout.canary) {
    result.app.push(makeEvent('AppUpdateCompleted', { name: app, version: target }));
    const done = foldApp(state, result.app);
    const steady = scheduleApp(done, nodes, opts);
    result.app.push(...steady.app);
    for (const [nodeId, events] of steady.nodes) for (const e of events) push(result.nodes, nodeId, e);
    return result;
  }

  // 3. New instances above the target (a scale-down during the rollout) go, newest first.
  for (const inst of fresh.slice(newTarget).reverse()) stop(inst);
  const keptNew = fresh.slice(0, newTarget);

  // 4. Place new instances under the surge.
  const toPlace = Math.min(N + rollout.maxSurge - (keptNew.length + old.length), newTarget - keptNew.length);
  if (toPlace > 0) {
    const request = {
      app,
      resources: spec.resources,
      count: toPlace,
      desired: N,
      strategy: spec.strategy,
      constraints: spec.constraints,
    };
    const plan = place(request, nodes, opts);
    const checked = spec.healthCheck ? { healthCheckKind: spec.healthCheck.kind } : {};
    const check = {
      ...(spec.healthCheck ? { healthCheck: spec.healthCheck } : {}),
      ...(spec.isolation ? { isolation: spec.isolation } : {}),
    };
    for (const p of plan.placements) {
      const instanceId = opts.newInstanceId();
      result.app.push(
        makeEvent('InstancePlaced', {
          app,
          instanceId,
          nodeId: p.nodeId,
          host: p.host,
          port: p.port,
          ...checked,
          version: target,
        }),
      );
      push(
        result.nodes,
        p.nodeId,
        makeEvent('InstanceAssigned', {
          instanceId,
          app,
          package: rollout.to,
          resources: spec.resources,
          port: p.port,
          env: { ...spec.env },
          ...check,
        }),
      );
    }
    if (
      plan.unplaced > 0 &&
      plan.placements.length === 0 &&
      !(
        state.pending &&
        state.pending.count === plan.unplaced &&
        state.pending.reasons === JSON.stringify(plan.reasons)
      )
    ) {
      result.app.push(makeEvent('InstancesPending', { app, count: plan.unplaced, reasons: plan.reasons }));
    }
  }

  // 5. Drain old instances while enough healthy ones remain; unhealthy ones first.
  const serving = (i: LiveInstance) => i.drainingSince === null && healthOf(i.instanceId) === 'healthy';
  let available = keptNew.filter(serving).length + old.filter(serving).length;
  const oldTarget = Math.max(0, N - newTarget);
  const candidates = old
    .filter((i) => i.drainingSince === null)
    .sort((a, b) => Number(serving(a)) - Number(serving(b)));
  let oldServing = candidates.length;
  const at = new Date(opts.now).toISOString();
  for (const inst of candidates) {
    if (oldServing <= oldTarget) break;
    const healthy = serving(inst);
    // An old instance whose health is not known yet waits for its verdict: it may be serving.
    if (!healthy && healthOf(inst.instanceId) !== 'unhealthy') continue;
    if (healthy && available - 1 < N - rollout.maxUnavailable) break;
    result.app.push(makeEvent('InstanceDraining', { app, instanceId: inst.instanceId, nodeId: inst.nodeId, at }));
    if (healthy) available--;
    oldServing--;
  }
  return result;
}

/** rolloutEvents lists the app events a rollout is made of (the controller wakes on them). */
export const ROLLOUT_EVENTS: readonly AppEvent['type'][] = [
  'AppUpdateStarted',
  'AppCanaryPromoted',
  'AppRollbackStarted',
  'InstanceDraining',
  'AppScaled',
];
