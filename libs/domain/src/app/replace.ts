import { AppEvent, makeEvent, NodeEvent } from '@mammoth/events';
import { sub } from '../shared/resources';
import { NodeCandidate } from '../scheduler/types';
import { AppSpec, AppState, evolveApp } from './app';
import { ScheduleOptions, ScheduleResult, scheduleApp } from './schedule';

/** ReplaceInstance asks to stop one live instance (unhealthy, crash-looping) and place a replacement, and says why. */
export interface ReplaceInstance {
  readonly type: 'ReplaceInstance';
  readonly instanceId: string;
  readonly reason: string;
  /** avoidNode prefers any other node for the replacement; the instance's own node takes it only when no other can. */
  readonly avoidNode: boolean;
}

/**
 * replaceInstance kills and replaces one live instance in one result for one atomic append (Marathon's kill-and-replace):
 * InstanceStopRequested on the app naming the replacement, InstanceUnassigned on its node, and the placements scheduleApp
 * makes for the app without it. The stopped instance's cpu, memory and disk count as free on its node (they are released in
 * the same commit); its port does not, so a replacement on the same node never races the old container for it. With
 * `avoidNode` the replacement goes elsewhere when every missing instance fits elsewhere, else anywhere (a soft preference).
 * An instance that is not live (already stopped, lost or replaced, or the app removed) yields nothing: deciding twice is safe.
 */
export function replaceInstance(
  state: AppState,
  cmd: ReplaceInstance,
  nodes: readonly NodeCandidate[],
  opts: ScheduleOptions,
): ScheduleResult {
  if (state.status !== 'active') return { app: [], nodes: new Map() };
  const inst = state.live.get(cmd.instanceId);
  if (!inst) return { app: [], nodes: new Map() };
  const app = state.spec.name;
  const stop = (replacedBy: string | null): AppEvent =>
    makeEvent('InstanceStopRequested', {
      app,
      instanceId: inst.instanceId,
      nodeId: inst.nodeId,
      reason: cmd.reason,
      replacedBy,
    });
  const without = evolveApp(state, stop(null));
  const released = nodes.map((n) => (n.id === inst.nodeId ? release(n, state.spec) : n));
  let plan: ScheduleResult | null = null;
  if (cmd.avoidNode) {
    plan = scheduleApp(
      without,
      released.filter((n) => n.id !== inst.nodeId),
      opts,
    );
    if (plan.app.some((e) => e.type === 'InstancesPending')) plan = null;
  }
  plan ??= scheduleApp(without, released, opts);
  const placed = plan.app.find((e) => e.type === 'InstancePlaced');
  const unassign: NodeEvent = makeEvent('InstanceUnassigned', { instanceId: inst.instanceId, app, reason: cmd.reason });
  const out = new Map<string, NodeEvent[]>([[inst.nodeId, [unassign]]]);
  for (const [nodeId, events] of plan.nodes) out.set(nodeId, [...(out.get(nodeId) ?? []), ...events]);
  return { app: [stop(placed?.type === 'InstancePlaced' ? placed.data.instanceId : null), ...plan.app], nodes: out };
}

/** release is a node as it stands once one of the app's instances leaves it: its resources and app count freed, its port still held. */
function release(n: NodeCandidate, spec: AppSpec): NodeCandidate {
  const appCounts = new Map(n.appCounts);
  const left = (appCounts.get(spec.name) ?? 0) - 1;
  if (left > 0) appCounts.set(spec.name, left);
  else appCounts.delete(spec.name);
  return { ...n, allocated: sub(n.allocated, spec.resources), appCounts };
}
