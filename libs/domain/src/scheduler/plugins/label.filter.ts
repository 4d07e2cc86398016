import { LabelConstraint } from '@mammoth/events';
import { ConstraintFilterPlugin } from '../types';

/** labelOf reads a node's own label `key` (never an inherited property such as `constructor`), or undefined. */
export function labelOf(labels: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** matchesLabel tests a node's labels against one label constraint; a node without the key fails all but not-in (as Kubernetes' NotIn). */
export function matchesLabel(c: LabelConstraint, labels: Readonly<Record<string, string>>): boolean {
  const v = labelOf(labels, c.key);
  switch (c.op) {
    case 'exists':
      return v !== undefined;
    case 'equals':
      return v === c.values[0];
    case 'in':
      return v !== undefined && c.values.includes(v);
    case 'not-in':
      return v === undefined || !c.values.includes(v);
    default: {
      const _exhaustive: never = c.op;
      return _exhaustive;
    }
  }
}

/** labelReason renders a label constraint for "why pending", e.g. `constraint rack in (a,b) not met`. */
export function labelReason(c: LabelConstraint): string {
  const test =
    c.op === 'exists'
      ? `${c.key} exists`
      : c.op === 'equals'
        ? `${c.key}=${c.values[0]}`
        : `${c.key} ${c.op.replace('-', ' ')} (${c.values.join(',')})`;
  return `constraint ${test} not met`;
}

/** labelConstraintFilter rejects nodes whose labels fail one label constraint; each constraint reports under its own reason. */
export const labelConstraintFilter = {
  kind: 'label',
  build: (c, _req, _nodes) => ({
    name: 'label-constraint',
    reason: labelReason(c),
    fits: (_req, n) => matchesLabel(c, n.node.labels),
  }),
} satisfies ConstraintFilterPlugin<LabelConstraint>;
