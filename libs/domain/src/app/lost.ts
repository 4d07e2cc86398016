import { AppEvent, makeEvent } from '@mammoth/events';
import { NodeCandidate } from '../scheduler/types';
import { AppState, evolveApp, LiveInstance } from './app';
import { ScheduleOptions, ScheduleResult, scheduleApp } from './schedule';

/** ReplaceLostInstances says a node was lost, and why; every live instance of the app on it is to be replaced. */
export interface ReplaceLostInstances {
  readonly type: 'ReplaceLostInstances';
  readonly nodeId: string;
  readonly reason: string;
}

/**
 * replaceLostInstances marks each live instance on the lost node InstanceLost (it leaves the live set but stays assigned to
 * its unreachable node) and places replacements as scheduleApp would, in one result for one atomic append. Each InstanceLost
 * names its replacement when one could be placed; the rest are pending. An app with nothing on the node yields nothing.
 */
export function replaceLostInstances(state: AppState, cmd: ReplaceLostInstances, nodes: readonly NodeCandidate[], opts: ScheduleOptions): ScheduleResult {
  if (state.status === 'none') return { app: [], nodes: new Map() };
  const lost = [...state.live.values()].filter((i) => i.nodeId === cmd.nodeId);
  if (lost.length === 0) return { app: [], nodes: new Map() };
  const marks = (replacements: readonly (string | null)[]) => lost.map((i, k) => lostEvent(state.spec.name, i, cmd.reason, replacements[k] ?? null));
  const without = marks([]).reduce(evolveApp, state);
  const plan = scheduleApp(without, nodes, opts);
  const placed = plan.app.flatMap((e) => (e.type === 'InstancePlaced' ? [e.data.instanceId] : []));
  return { app: [...marks(placed), ...plan.app], nodes: plan.nodes };
}

function lostEvent(app: string, i: LiveInstance, reason: string, replacedBy: string | null): AppEvent {
  return makeEvent('InstanceLost', { app, instanceId: i.instanceId, nodeId: i.nodeId, reason: `node ${i.nodeId} lost: ${reason}`, replacedBy });
}
