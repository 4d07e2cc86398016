import { LabelConstraint, MaxPerConstraint } from '@mammoth/events';
import { appCount } from '../working';
import { ConstraintFilterPlugin, PlacementRequest, WorkingNode } from '../types';
import { labelOf, matchesLabel } from './label.filter';

/**
 * defaultMaxPer is ⌈desired / distinct values⌉ of the key among eligible nodes: ready, labelled with the key, and
 * passing the app's label constraints. With no such node it is `desired` (nothing can be placed anyway).
 */
export function defaultMaxPer(key: string, req: PlacementRequest, nodes: readonly WorkingNode[]): number {
  const desired = req.desired ?? req.count;
  const labels = (req.constraints ?? []).filter((c): c is LabelConstraint => c.kind === 'label');
  const values = new Set<string>();
  for (const { node } of nodes) {
    const v = labelOf(node.labels, key);
    if (v !== undefined && node.status === 'ready' && labels.every((c) => matchesLabel(c, node.labels))) values.add(v);
  }
  return values.size === 0 ? desired : Math.ceil(desired / values.size);
}

/** countPer counts the app's instances (live and already planned) per value of the label `key`. */
export function countPer(key: string, app: string, nodes: readonly WorkingNode[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of nodes) {
    const v = labelOf(n.node.labels, key);
    const c = appCount(n, app);
    if (v !== undefined && c > 0) counts.set(v, (counts.get(v) ?? 0) + c);
  }
  return counts;
}

/**
 * maxPerConstraintFilter rejects nodes without the label `key` and nodes whose value of it already holds `max` instances
 * of the app (e.g. at most ⌈n/racks⌉ per rack). Its counts start from the working set and follow each placement.
 */
export const maxPerConstraintFilter = {
  kind: 'max-per',
  build: (c, req, nodes) => {
    const max = c.max ?? defaultMaxPer(c.key, req, nodes);
    const counts = countPer(c.key, req.app, nodes);
    return {
      name: 'max-per',
      reason: `constraint at most ${max} per ${c.key} not met`,
      fits: (_req, n) => {
        const v = labelOf(n.node.labels, c.key);
        return v !== undefined && (counts.get(v) ?? 0) < max;
      },
      placed: (_req, n) => {
        const v = labelOf(n.node.labels, c.key);
        if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
      },
    };
  },
} satisfies ConstraintFilterPlugin<MaxPerConstraint>;
