import { AppEvent, makeEvent } from '@mammoth/events';
import { NodeCandidate } from '../scheduler/types';
import { AppState, foldApp, LiveInstance } from './app';
import { ScheduleOptions, ScheduleResult, scheduleApp } from './schedule';

/** LostNode is one lost node and why it was declared lost. */
export interface LostNode {
  readonly nodeId: string;
  readonly reason: string;
}

/**
 * ReplaceLostInstances says nodes were lost, and why; every live instance of the app on any of them is to be replaced.
 * A mass failure (a rack, a zone) is one decision per app, not one per app and node.
 */
export interface ReplaceLostInstances {
  readonly type: 'ReplaceLostInstances';
  readonly lost: readonly LostNode[];
}

/**
 * replaceLostInstances marks each live instance on a lost node InstanceLost (it leaves the live set but stays assigned to
 * its unreachable node) and places replacements as scheduleApp would, in one result for one atomic append. Each InstanceLost
 * names its replacement when one could be placed; the rest are pending. An app with nothing on those nodes yields nothing.
 */
export function replaceLostInstances(
  state: AppState,
  cmd: ReplaceLostInstances,
  nodes: readonly NodeCandidate[],
  opts: ScheduleOptions,
): ScheduleResult {
  if (state.status === 'none') return { app: [], nodes: new Map() };
  const reasons = new Map(cmd.lost.map((n) => [n.nodeId, n.reason]));
  const lost = [...state.live.values()].filter((i) => reasons.has(i.nodeId));
  if (lost.length === 0) return { app: [], nodes: new Map() };
  const marks = (replacements: readonly (string | null)[]) =>
    lost.map((i, k) => lostEvent(state.spec.name, i, reasons.get(i.nodeId)!, replacements[k] ?? null));
  const without = foldApp(state, marks([]));
  const plan = scheduleApp(without, nodes, opts);
  const placed = plan.app.flatMap((e) => (e.type === 'InstancePlaced' ? [e.data.instanceId] : []));
  return { app: [...marks(placed), ...plan.app], nodes: plan.nodes };
}

function lostEvent(app: string, i: LiveInstance, reason: string, replacedBy: string | null): AppEvent {
  return makeEvent('InstanceLost', {
    app,
    instanceId: i.instanceId,
    nodeId: i.nodeId,
    reason: `node ${i.nodeId} lost: ${reason}`,
    replacedBy,
  });
}
