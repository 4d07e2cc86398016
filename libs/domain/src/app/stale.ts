import { makeEvent } from '@mammoth/events';
import { AppState } from './app';
import { ScheduleResult } from './schedule';

/** StaleCandidate is an instance a recovered node still runs from before it was lost. */
export interface StaleCandidate {
  readonly instanceId: string;
  readonly nodeId: string;
}

/** StaleStops is what to stop now, and how many stale instances must wait for their replacements to run. */
export interface StaleStops extends ScheduleResult {
  readonly waiting: number;
}

/** STALE_REASON is the reason recorded when a recovered node's old instance is stopped. */
export const STALE_REASON = 'replaced while node was lost';

/**
 * stopStaleInstances decides which of a recovered node's old instances to stop. A candidate the app still counts as live is
 * not stale and is kept. Stale ones are stopped only while the copies that stay (live instances reported running, in
 * `running`, plus the stale ones kept) still reach the desired count: never before replacements run, never below the count.
 */
export function stopStaleInstances(
  state: AppState,
  app: string,
  candidates: readonly StaleCandidate[],
  running: ReadonlySet<string>,
): StaleStops {
  const live: ReadonlyMap<string, unknown> = state.status === 'none' ? new Map() : state.live;
  const stale = candidates.filter((c) => !live.has(c.instanceId));
  const desired = state.status === 'active' ? state.spec.instances : 0;
  let runningLive = 0;
  for (const id of live.keys()) if (running.has(id)) runningLive++;
  const stoppable = Math.min(stale.length, Math.max(0, runningLive + stale.length - desired));
  const reason = state.status === 'active' ? STALE_REASON : 'app removed while node was lost';
  const result: StaleStops = { app: [], nodes: new Map(), waiting: stale.length - stoppable };
  for (const s of stale.slice(0, stoppable)) {
    if (state.status !== 'none')
      result.app.push(makeEvent('InstanceStopRequested', { app, instanceId: s.instanceId, nodeId: s.nodeId, reason }));
    const list = result.nodes.get(s.nodeId) ?? [];
    list.push(makeEvent('InstanceUnassigned', { instanceId: s.instanceId, app, reason }));
    result.nodes.set(s.nodeId, list);
  }
  return result;
}
