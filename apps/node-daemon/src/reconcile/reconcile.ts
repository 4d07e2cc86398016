import { Assignment } from '@mammoth/domain';
import { ActualContainer } from '../runtime/container-runtime';

/** Bound pairs a desired assignment with the container chosen to serve it. */
export interface Bound {
  readonly assignment: Assignment;
  readonly container: ActualContainer;
}

/** ReconcilePlan is what to do to turn the actual containers into the desired ones; every container and assignment appears exactly once. */
export interface ReconcilePlan {
  /** start lists desired instances that have no container at all. */
  readonly start: readonly Assignment[];
  /** restart lists desired instances whose only candidate container is not running: remove it, then start anew. */
  readonly restart: readonly Bound[];
  /** stop lists containers of instances that are not desired, and duplicates of those that are. */
  readonly stop: readonly ActualContainer[];
  /** keep lists desired instances served by a running container. */
  readonly keep: readonly Bound[];
}

/** preferred orders one instance's containers: running first, then newest, then by id so the choice is deterministic. */
function preferred(a: ActualContainer, b: ActualContainer): number {
  const running = Number(b.status === 'running') - Number(a.status === 'running');
  if (running !== 0) return running;
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.containerId < b.containerId ? -1 : a.containerId > b.containerId ? 1 : 0;
}

/** reconcile diffs desired assignments (by instance id) against actual containers; it is pure and deterministic. */
export function reconcile(desired: ReadonlyMap<string, Assignment>, actual: readonly ActualContainer[]): ReconcilePlan {
  const byInstance = new Map<string, ActualContainer[]>();
  for (const c of actual) byInstance.set(c.instanceId, [...(byInstance.get(c.instanceId) ?? []), c]);

  const start: Assignment[] = [];
  const restart: Bound[] = [];
  const stop: ActualContainer[] = [];
  const keep: Bound[] = [];
  for (const id of [...desired.keys()].sort()) {
    const assignment = desired.get(id)!;
    const [best, ...rest] = [...(byInstance.get(id) ?? [])].sort(preferred);
    if (!best) start.push(assignment);
    else if (best.status === 'running') keep.push({ assignment, container: best });
    else restart.push({ assignment, container: best });
    stop.push(...rest);
  }
  for (const [id, containers] of byInstance) {
    if (!desired.has(id)) stop.push(...containers);
  }
  stop.sort((a, b) => (a.containerId < b.containerId ? -1 : a.containerId > b.containerId ? 1 : 0));
  return { start, restart, stop, keep };
}

/** isSettled tells whether a plan has nothing to do. */
export function isSettled(plan: ReconcilePlan): boolean {
  return plan.start.length === 0 && plan.restart.length === 0 && plan.stop.length === 0;
}
