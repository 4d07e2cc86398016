import { Injectable } from '@nestjs/common';
import {
  AppState,
  decideLiveness,
  LivenessCommand,
  LostNode,
  replaceLostInstances,
  StaleCandidate,
  stopStaleInstances,
} from '@mammoth/domain';
import { NodeEvent, streamIds } from '@mammoth/events';
import { AppendContext } from '@mammoth/event-store';
import { orThrow } from '../../common/domain.exception';
import { ClusterState } from '../../infra/cluster-state';
import { LoadedInstance } from '../../scheduling/aggregate-repository';
import { NodesView } from '../../scheduling/plan-view';
import { PlanQueue } from '../../scheduling/plan-queue';

/** Verdict is one liveness command for one node, with the metadata its events carry. */
export interface NodeVerdict {
  readonly nodeId: string;
  readonly cmd: LivenessCommand;
  readonly ctx: AppendContext;
}

/**
 * NodeRepair commits the failure detector's decisions through the plan queue: node verdicts on the node streams,
 * replacements of lost nodes' instances and the stop of a recovered node's stale ones. Each decision is idempotent, so two
 * detectors racing, or one resuming another's work, never double a replacement. A mass failure stays cheap: a sweep's
 * verdicts are queued together and so group-committed, and the replacements are one decision per app over every lost node.
 */
@Injectable()
export class NodeRepair {
  constructor(
    private readonly plans: PlanQueue,
    private readonly cluster: ClusterState,
  ) {}

  /** judge commits liveness verdicts and returns the events written per node (none for a verdict already decided). */
  async judge(verdicts: readonly NodeVerdict[]): Promise<Map<string, NodeEvent[]>> {
    const written = new Map<string, NodeEvent[]>();
    await Promise.all(
      verdicts.map(async ({ nodeId, cmd, ctx }) => {
        const { nodes } = await this.plans.commit({
          app: null,
          ctx,
          decide: ({ nodes: view }) => {
            const events = [...orThrow(decideLiveness(cmd, view.node(nodeId)))];
            return { app: [], nodes: new Map([[nodeId, events]]), value: undefined };
          },
        });
        const events = nodes.get(nodeId) ?? [];
        if (events.length) written.set(nodeId, [...events]);
      }),
    );
    return written;
  }

  /**
   * replaceLost marks every live instance on the lost nodes lost and places their replacements, one decision per app
   * touched; it returns how many replacements were placed per lost node.
   */
  async replaceLost(lost: readonly LostNode[], ctx: AppendContext): Promise<Map<string, number>> {
    const apps = new Set<string>();
    for (const { nodeId } of lost) for (const [, app] of this.assigned(nodeId)) apps.add(app);
    const placed = new Map<string, number>(lost.map((n) => [n.nodeId, 0]));
    const cmd = { type: 'ReplaceLostInstances' as const, lost };
    await Promise.all(
      [...apps].map(async (app) => {
        const { events } = await this.plans.commit({
          app,
          ctx,
          decide: ({ app: state, nodes, opts }) => ({
            ...replaceLostInstances(state, cmd, nodes.candidates(), opts),
            value: undefined,
          }),
        });
        for (const e of events) {
          if (e.type === 'InstanceLost' && e.data.replacedBy)
            placed.set(e.data.nodeId, (placed.get(e.data.nodeId) ?? 0) + 1);
        }
      }),
    );
    return placed;
  }

  /**
   * stopStale stops a recovered node's instances that were replaced while it was lost, as far as their replacements already
   * run; it returns how many stale instances still wait for theirs.
   */
  async stopStale(nodeId: string, ctx: AppendContext): Promise<number> {
    const node = this.cluster.get(streamIds.node(nodeId)).state;
    if (node.status !== 'registered' || node.condition !== 'ready') return 0;
    const byApp = new Map<string, StaleCandidate[]>();
    for (const [instanceId, app] of this.assigned(nodeId))
      byApp.set(app, [...(byApp.get(app) ?? []), { instanceId, nodeId }]);
    const waiting = await Promise.all(
      [...byApp].map(async ([app, candidates]) => {
        const { value } = await this.plans.commit({
          app,
          ctx,
          instances: (state) => (state.status === 'none' ? [] : state.live.keys()),
          decide: ({ app: state, instances, nodes }) => {
            const stops = stopStaleInstances(state, app, candidates, runningLive(state, instances, nodes));
            return { app: stops.app, nodes: stops.nodes, value: stops.waiting };
          },
        });
        return value;
      }),
    );
    return waiting.reduce((a, b) => a + b, 0);
  }

  /** assigned lists the node's instances kept from when it was last lost, with their apps, as the cluster cache has them. */
  private assigned(nodeId: string): [string, string][] {
    const node = this.cluster.get(streamIds.node(nodeId)).state;
    if (node.status !== 'registered') return [];
    const out: [string, string][] = [];
    for (const id of node.lostInstances) {
      const a = node.assignments.get(id);
      if (a) out.push([id, a.app]);
    }
    return out;
  }
}

/** runningLive is the app's live instances whose node reported them running last and whose node is ready. */
function runningLive(state: AppState, instances: ReadonlyMap<string, LoadedInstance>, nodes: NodesView): Set<string> {
  const running = new Set<string>();
  if (state.status === 'none') return running;
  for (const inst of state.live.values()) {
    const node = nodes.node(inst.nodeId);
    if (node.status !== 'registered' || node.condition !== 'ready') continue;
    if (instances.get(inst.instanceId)?.state.state === 'running') running.add(inst.instanceId);
  }
  return running;
}
