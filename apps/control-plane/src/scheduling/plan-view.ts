import { evolveNode, NodeCandidate, NodeState, toCandidate } from '@mammoth/domain';
import { NodeEvent } from '@mammoth/events';
import { ClusterState } from '../infra/cluster-state';

/**
 * PlanView is the cluster as one group of commands sees it while they are planned one after another before a single
 * commit: the cached snapshot, plus what the commands planned before have placed or stopped on each node, with the
 * node stream versions those plans will have written.
 */
export class PlanView {
  private readonly nodes: NodeCandidate[];
  private readonly index = new Map<string, number>();
  private readonly planned = new Map<string, { version: number; state: NodeState }>();

  constructor(private readonly cluster: ClusterState) {
    this.nodes = cluster.candidates();
    this.nodes.forEach((n, i) => this.index.set(n.id, i));
  }

  /** candidates is the scheduler's snapshot including earlier plans of the group; it is valid until the next `apply`. */
  candidates(): readonly NodeCandidate[] {
    return this.nodes;
  }

  /** version is the node stream's version after the group's earlier plans: what the next write to it must expect. */
  version(streamId: string): number {
    return (this.planned.get(streamId) ?? this.cluster.get(streamId)).version;
  }

  /** apply records a plan's events for one node stream. */
  apply(streamId: string, events: readonly NodeEvent[]): void {
    const base = this.planned.get(streamId) ?? this.cluster.get(streamId);
    const state = events.reduce(evolveNode, base.state);
    this.planned.set(streamId, { version: base.version + events.length, state });
    if (state.status !== 'registered') return;
    const i = this.index.get(state.info.nodeId);
    if (i !== undefined) this.nodes[i] = toCandidate(state);
  }
}
