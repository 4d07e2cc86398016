import { evolveNode, NodeCandidate, NodeState, toCandidate } from '@mammoth/domain';
import { NodeEvent, streamIds } from '@mammoth/events';
import { ClusterState } from '../infra/cluster-state';

/** NodesView is what a command's decision reads of the cluster: the scheduler's candidates and any node's state. */
export interface NodesView {
  /** candidates is the scheduler's snapshot including earlier plans of the group. */
  candidates(): readonly NodeCandidate[];
  /** node is a node's state including earlier plans of the group (unknown for a node never registered). */
  node(nodeId: string): NodeState;
}

/**
 * PlanView is the cluster as one group of commands sees it while they are planned one after another before a single
 * commit: the cached snapshot, plus what the commands planned before have placed, stopped or decided on each node, with
 * the node stream versions those plans will have written.
 */
export class PlanView implements NodesView {
  private nodes: NodeCandidate[];
  private readonly index = new Map<string, number>();
  private readonly planned = new Map<string, { version: number; state: NodeState }>();

  constructor(private readonly cluster: ClusterState) {
    this.nodes = cluster.candidates();
    this.nodes.forEach((n, i) => this.index.set(n.id, i));
  }

  /** candidates is valid until the next `apply`. */
  candidates(): readonly NodeCandidate[] {
    return this.nodes;
  }

  node(nodeId: string): NodeState {
    return this.current(streamIds.node(nodeId)).state;
  }

  /** version is the node stream's version after the group's earlier plans: what the next write to it must expect. */
  version(streamId: string): number {
    return this.current(streamId).version;
  }

  /** apply records a plan's events for one node stream. */
  apply(streamId: string, events: readonly NodeEvent[]): void {
    const base = this.current(streamId);
    const state = events.reduce(evolveNode, base.state);
    this.planned.set(streamId, { version: base.version + events.length, state });
    if (state.status !== 'registered') return;
    const i = this.index.get(state.info.nodeId);
    const candidate = toCandidate(state);
    if (i !== undefined) this.nodes[i] = candidate;
    else if (state.condition !== 'removed') {
      this.nodes = [...this.nodes, candidate];
      this.index.set(candidate.id, this.nodes.length - 1);
    }
  }

  private current(streamId: string): { version: number; state: NodeState } {
    return this.planned.get(streamId) ?? this.cluster.get(streamId);
  }
}
