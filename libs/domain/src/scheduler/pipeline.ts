import { Constraint, Strategy } from '@mammoth/events';
import { antiAffinity } from './plugins/anti-affinity.score';
import { labelConstraintFilter } from './plugins/label.filter';
import { maxPerConstraintFilter } from './plugins/max-per.filter';
import { leastAllocated, mostAllocated } from './plugins/allocation.score';
import { portsFilter } from './plugins/ports.filter';
import { cpuFilter, diskFilter, memoryFilter } from './plugins/resources.filter';
import { statusFilter } from './plugins/status.filter';
import { uniqueConstraintFilter } from './plugins/unique.filter';
import { ConstraintFilterPlugin, FilterPlugin, PlacementRequest, ScorePlugin, WorkingNode } from './types';

/** DEFAULT_FILTERS are the filters every request passes, cheapest first; the first one a node fails is the reason counted against it. */
export const DEFAULT_FILTERS: readonly FilterPlugin[] = [
  statusFilter,
  cpuFilter,
  memoryFilter,
  diskFilter,
  portsFilter,
];

type ConstraintFilters = {
  readonly [K in Constraint['kind']]: ConstraintFilterPlugin<Extract<Constraint, { kind: K }>>;
};

/** CONSTRAINT_FILTERS builds a request's constraint filters; they run after DEFAULT_FILTERS, in this order (cheapest first). */
export const CONSTRAINT_FILTERS: ConstraintFilters = {
  label: labelConstraintFilter,
  unique: uniqueConstraintFilter,
  'max-per': maxPerConstraintFilter,
};
const ORDER: readonly Constraint['kind'][] = ['label', 'unique', 'max-per'];

/** filtersFor is one request's filter pipeline: the base filters, then one filter per constraint, labels before unique before max-per. */
export function filtersFor(
  req: PlacementRequest,
  base: readonly FilterPlugin[],
  nodes: readonly WorkingNode[],
): FilterPlugin[] {
  const out = [...base];
  const constraints = req.constraints ?? [];
  for (const kind of ORDER) {
    for (const c of constraints) {
      if (c.kind !== kind) continue;
      const plugin = CONSTRAINT_FILTERS[kind] as ConstraintFilterPlugin<Constraint>;
      out.push(plugin.build(c, req, nodes));
    }
  }
  return out;
}

/** ScoreWeights weighs the allocation scorer (spread or binpack, as the app chose) against same-app anti-affinity in a weighted sum. */
export interface ScoreWeights {
  readonly allocation: number;
  readonly antiAffinity: number;
}

/**
 * DEFAULT_WEIGHTS per strategy. Under spread, anti-affinity weighs half as much as free room, enough to move a second
 * instance off a node that is only slightly emptier. Under binpack it is a tie-breaker: packing wins whenever one
 * instance takes more than 5% of a node divided by the app's instance count.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<Strategy, ScoreWeights>> = {
  spread: { allocation: 1, antiAffinity: 0.5 },
  binpack: { allocation: 1, antiAffinity: 0.05 },
};

/** WeightedScorer is one scorer of a request's pipeline with its weight in the sum. */
export interface WeightedScorer {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

/** scorersFor is one request's scoring pipeline: its strategy's allocation scorer plus anti-affinity, summed with weights. */
export function scorersFor(
  req: PlacementRequest,
  weights: ScoreWeights = DEFAULT_WEIGHTS[req.strategy],
): WeightedScorer[] {
  const allocation = req.strategy === 'binpack' ? mostAllocated : leastAllocated;
  return [
    { plugin: allocation, weight: weights.allocation },
    { plugin: antiAffinity, weight: weights.antiAffinity },
  ].filter((s) => s.weight !== 0);
}
