import { InvalidArgumentError } from 'commander';

/** ConstraintSpec is a placement constraint as deployApp takes it. */
export interface ConstraintSpec {
  kind: 'label' | 'unique' | 'max-per';
  key?: string;
  op?: 'equals' | 'in' | 'not-in' | 'exists';
  values?: string[];
  max?: number;
}

/** integer parses a whole number at least `min`, for commander. */
export function integer(min = 0): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number.');
    const n = Number(value);
    if (n < min) throw new InvalidArgumentError(`must be at least ${min}.`);
    return n;
  };
}

/** positiveNumber parses a number greater than zero (cores may be fractional), for commander. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number above 0.');
  return n;
}

/** envVar parses KEY=VALUE and appends it to the ones before (the flag repeats). */
export function envVar(
  value: string,
  previous: { name: string; value: string }[] = [],
): { name: string; value: string }[] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must be KEY=VALUE.');
  return [...previous, { name: value.slice(0, eq), value: value.slice(eq + 1) }];
}

/** collect appends a repeated flag's value to the ones before. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * constraint parses one placement constraint and appends it to the ones before:
 * `KEY=VALUE`, `KEY in A,B`, `KEY not-in A,B`, `KEY exists`, `unique`, or `max-per KEY[=N]`.
 */
export function constraint(value: string, previous: ConstraintSpec[] = []): ConstraintSpec[] {
  return [...previous, parseConstraint(value.trim())];
}

function parseConstraint(s: string): ConstraintSpec {
  if (s === 'unique') return { kind: 'unique' };
  let m = /^max-per\s+([\w./-]+)(?:=(\d+))?$/.exec(s);
  if (m) return { kind: 'max-per', key: m[1], ...(m[2] ? { max: Number(m[2]) } : {}) };
  m = /^([\w./-]+)\s+(in|not-in)\s+(\S+)$/.exec(s);
  if (m) return { kind: 'label', key: m[1], op: m[2] as 'in' | 'not-in', values: m[3].split(',').filter(Boolean) };
  m = /^([\w./-]+)\s+exists$/.exec(s);
  if (m) return { kind: 'label', key: m[1], op: 'exists', values: [] };
  m = /^([\w./-]+)=(\S+)$/.exec(s);
  if (m) return { kind: 'label', key: m[1], op: 'equals', values: [m[2]] };
  throw new InvalidArgumentError(
    'must be KEY=VALUE, "KEY in A,B", "KEY not-in A,B", "KEY exists", unique or "max-per KEY[=N]".',
  );
}
