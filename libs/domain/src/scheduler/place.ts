import { filtersFor, DEFAULT_FILTERS, scorersFor, ScoreWeights, WeightedScorer } from './pipeline';
import { countRejections } from './reasons';
import { FilterPlugin, NodeCandidate, Plan, Placement, PlacementRequest, WorkingNode } from './types';
import { reserve, workingNode } from './working';

/** PlaceOptions carries the seeded random source and tuning. */
export interface PlaceOptions {
  /** rng returns a number in [0, 1); tests pin its seed. */
  readonly rng: () => number;
  /** filters replaces DEFAULT_FILTERS; a request's constraint filters still follow them. */
  readonly filters?: readonly FilterPlugin[];
  /** candidateLimit caps how many feasible nodes are scored per instance (Nomad's limit iterator); 0 scores all. */
  readonly candidateLimit?: number;
  /** weights replaces the strategy's DEFAULT_WEIGHTS for every request. */
  readonly weights?: ScoreWeights;
}

/** Planner places requests one after another against one working copy of a snapshot, each seeing the ones before. */
export interface Planner {
  place(req: PlacementRequest): Plan;
}

/**
 * planner shuffles the snapshot once with the seeded rng into a ring and returns a Planner over it. Each instance is
 * placed by walking the ring from where the previous placement landed, scoring the first `candidateLimit` feasible
 * nodes and taking the best. The snapshot is never written: placements go to the planner's own working nodes.
 */
export function planner(snapshot: readonly NodeCandidate[], opts: PlaceOptions): Planner {
  const ring = shuffle(snapshot, opts.rng).map(workingNode);
  const base = opts.filters ?? DEFAULT_FILTERS;
  const limit = opts.candidateLimit ?? Math.max(2, Math.ceil(Math.log2(Math.max(ring.length, 1))));
  let cursor = 0;
  return {
    place(req) {
      if (req.count <= 0) return { placements: [], unplaced: 0, reasons: [] };
      const filters = filtersFor(req, base, ring);
      const scorers = scorersFor(req, opts.weights);
      const placements: Placement[] = [];
      for (let i = 0; i < req.count; i++) {
        const best = pick(ring, cursor, limit, filters, scorers, req);
        if (best < 0) return { placements, unplaced: req.count - i, reasons: countRejections(filters, req, ring) };
        const n = ring[best];
        const port = reserve(n, req.app, req.resources);
        for (const f of filters) f.placed?.(req, n);
        placements.push({ nodeId: n.node.id, host: n.node.address, port });
        cursor = best + 1 === ring.length ? 0 : best + 1;
      }
      return { placements, unplaced: 0, reasons: [] };
    },
  };
}

/**
 * place proposes nodes for `req.count` instances over a snapshot; it never writes. Instances that fit nowhere come back
 * as `unplaced`, with the count of nodes each filter rejected (the first filter each node fails).
 */
export function place(req: PlacementRequest, snapshot: readonly NodeCandidate[], opts: PlaceOptions): Plan {
  return planner(snapshot, opts).place(req);
}

/** planMany places many requests in order against one evolving working copy of the snapshot: one plan per request. */
export function planMany(
  reqs: readonly PlacementRequest[],
  snapshot: readonly NodeCandidate[],
  opts: PlaceOptions,
): Plan[] {
  const p = planner(snapshot, opts);
  return reqs.map((r) => p.place(r));
}

function pick(
  ring: readonly WorkingNode[],
  cursor: number,
  limit: number,
  filters: readonly FilterPlugin[],
  scorers: readonly WeightedScorer[],
  req: PlacementRequest,
): number {
  const size = ring.length;
  let best = -1;
  let bestScore = -Infinity;
  let feasible = 0;
  outer: for (let k = 0, idx = cursor; k < size; k++, idx = idx + 1 === size ? 0 : idx + 1) {
    const n = ring[idx];
    for (let f = 0; f < filters.length; f++) if (!filters[f].fits(req, n)) continue outer;
    let s = 0;
    for (let j = 0; j < scorers.length; j++) s += scorers[j].weight * scorers[j].plugin.score(req, n);
    if (s > bestScore) {
      best = idx;
      bestScore = s;
    }
    if (limit > 0 && ++feasible >= limit) break;
  }
  return best;
}

/** shuffle returns a copy of `xs` in a random order drawn from `rng` (Fisher–Yates). */
export function shuffle<T>(xs: readonly T[], rng: () => number): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
