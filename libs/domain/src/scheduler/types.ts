import { Constraint, Resources, Strategy } from '@mammoth/events';

/** NodeCandidate is the scheduler's view of one node in a cluster snapshot. */
export interface NodeCandidate {
  readonly id: string;
  readonly address: string;
  readonly status: 'ready' | 'draining' | 'lost';
  readonly capacity: Resources;
  readonly allocated: Resources;
  readonly usedPorts: ReadonlySet<number>;
  readonly portRange: { readonly from: number; readonly to: number };
  readonly labels: Readonly<Record<string, string>>;
  /** appCounts is how many live instances of each app the node runs. */
  readonly appCounts: ReadonlyMap<string, number>;
}

/** PlacementRequest asks for `count` more instances of one app's shape, under its constraints. */
export interface PlacementRequest {
  readonly app: string;
  readonly resources: Resources;
  readonly count: number;
  /** desired is the app's whole instance count (live + requested), for max-per's default and anti-affinity; defaults to `count`. */
  readonly desired?: number;
  readonly strategy: Strategy;
  readonly constraints?: readonly Constraint[];
}

/** Placement is one instance put on one node at one port. */
export interface Placement {
  readonly nodeId: string;
  readonly host: string;
  readonly port: number;
}

/** RejectionCount says how many nodes one filter turned away. */
export interface RejectionCount {
  readonly reason: string;
  readonly nodes: number;
}

/** Plan is the scheduler's proposal: where each placed instance goes and, for the rest, why not. */
export interface Plan {
  readonly placements: Placement[];
  readonly unplaced: number;
  readonly reasons: RejectionCount[];
}

/**
 * WorkingNode is a candidate plus what the plan under construction has already put on it. It is owned by one planning
 * run and mutated only by it (the snapshot it wraps is never written).
 */
export interface WorkingNode {
  readonly node: NodeCandidate;
  /** allocated is the node's allocation plus the plan's placements on it. */
  readonly allocated: { cpuMillis: number; memoryMiB: number; diskMiB: number };
  /** freePorts counts the ports of the node's range that neither a live instance nor the plan holds. */
  freePorts: number;
  /** nextPort is where the search for the lowest free port resumes: every port below it is taken. */
  nextPort: number;
  /** apps counts instances per app, live and planned; it is the snapshot's map until the plan first writes to it. */
  apps: ReadonlyMap<string, number>;
  /** owned says whether `apps` is this node's own copy yet. */
  ownsApps: boolean;
}

/** FilterPlugin rejects nodes an instance cannot run on; `reason` is what an operator reads in "why pending". */
export interface FilterPlugin {
  readonly name: string;
  readonly reason: string;
  fits(req: PlacementRequest, n: WorkingNode): boolean;
  /** placed, when present, hears of every instance the plan puts on a node, so a stateful filter (max-per) stays current. */
  placed?(req: PlacementRequest, n: WorkingNode): void;
}

/**
 * ConstraintFilterPlugin builds the filter for one constraint of one request; `nodes` is the planning run's working
 * set, for filters that count across nodes.
 */
export interface ConstraintFilterPlugin<C extends Constraint> {
  readonly kind: C['kind'];
  build(c: C, req: PlacementRequest, nodes: readonly WorkingNode[]): FilterPlugin;
}

/** ScorePlugin ranks feasible nodes; higher is better, in [0, 1]. */
export interface ScorePlugin {
  readonly name: string;
  score(req: PlacementRequest, n: WorkingNode): number;
}
