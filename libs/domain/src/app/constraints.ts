import { Constraint, CONSTRAINT_KINDS, LABEL_OPS, STRATEGIES, Strategy } from '@mammoth/events';
import { DomainError, exhaustive } from '../shared/errors';
import { checkInt } from '../shared/validation';

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** isLabelKey accepts a Kubernetes-style label key: a name of 1-63 characters, optionally after a DNS prefix and '/'. */
export function isLabelKey(key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const slash = key.indexOf('/');
  if (slash < 0) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && LABEL_NAME.test(key.slice(slash + 1));
}

/** isLabelValue accepts a label value a constraint can match: 1-63 characters, alphanumeric at both ends. */
export function isLabelValue(v: unknown): v is string {
  return typeof v === 'string' && LABEL_NAME.test(v);
}

/** MAX_CONSTRAINTS bounds how many constraints one app may carry. */
export const MAX_CONSTRAINTS = 32;

/** checkStrategy refuses a strategy other than spread or binpack. */
export function checkStrategy(strategy: unknown): DomainError | null {
  return (STRATEGIES as readonly unknown[]).includes(strategy)
    ? null
    : DomainError.invalid('strategy', `must be one of ${STRATEGIES.join(', ')}, got ${String(strategy)}`);
}

/**
 * checkConstraints validates an app's constraints as they arrive from outside (so it reads them loosely), naming the
 * field at fault, e.g. `constraints[0].values`. A field that a kind does not take is refused rather than ignored.
 */
export function checkConstraints(constraints: readonly Constraint[]): DomainError | null {
  if (constraints.length > MAX_CONSTRAINTS)
    return DomainError.invalid('constraints', `at most ${MAX_CONSTRAINTS} constraints, got ${constraints.length}`);
  for (let i = 0; i < constraints.length; i++) {
    const err = checkOne(constraints[i], `constraints[${i}]`);
    if (err) return err;
  }
  return null;
}

function checkOne(c: Record<string, unknown>, at: string): DomainError | null {
  const kind = c.kind as Constraint['kind'];
  switch (kind) {
    case 'label':
      return notTaken(c, at, kind, ['max']) ?? checkKey(c.key, at) ?? checkLabelValues(c, at);
    case 'unique':
      return notTaken(c, at, kind, ['key', 'op', 'values', 'max']);
    case 'max-per':
      return (
        notTaken(c, at, kind, ['op', 'values']) ??
        checkKey(c.key, at) ??
        (c.max == null ? null : checkInt(`${at}.max`, c.max as number, 1))
      );
    default: {
      const _exhaustive: never = kind;
      return DomainError.invalid(
        `${at}.kind`,
        `must be one of ${CONSTRAINT_KINDS.join(', ')}, got ${String(_exhaustive)}`,
      );
    }
  }
}

function checkLabelValues(c: Record<string, unknown>, at: string): DomainError | null {
  const op = c.op as string;
  if (!(LABEL_OPS as readonly string[]).includes(op))
    return DomainError.invalid(`${at}.op`, `must be one of ${LABEL_OPS.join(', ')}, got ${String(op)}`);
  const values = c.values ?? [];
  if (!Array.isArray(values)) return DomainError.invalid(`${at}.values`, 'must be a list of label values');
  if (op === 'exists' && values.length > 0) return DomainError.invalid(`${at}.values`, 'exists takes no values');
  if (op === 'equals' && values.length !== 1)
    return DomainError.invalid(`${at}.values`, `equals takes exactly one value, got ${values.length}`);
  if ((op === 'in' || op === 'not-in') && values.length === 0)
    return DomainError.invalid(`${at}.values`, `${op} needs at least one value`);
  const bad = values.findIndex((v) => !isLabelValue(v));
  if (bad >= 0)
    return DomainError.invalid(`${at}.values[${bad}]`, `"${String(values[bad])}" is not a valid label value`);
  if (new Set(values).size !== values.length) return DomainError.invalid(`${at}.values`, 'lists a value twice');
  return null;
}

function checkKey(key: unknown, at: string): DomainError | null {
  return isLabelKey(key) ? null : DomainError.invalid(`${at}.key`, `"${String(key ?? '')}" is not a valid label key`);
}

function notTaken(c: Record<string, unknown>, at: string, kind: string, fields: readonly string[]): DomainError | null {
  const extra = fields.find((f) => c[f] != null && !(Array.isArray(c[f]) && (c[f] as unknown[]).length === 0));
  return extra ? DomainError.invalid(`${at}.${extra}`, `a ${kind} constraint takes no ${extra}`) : null;
}

/** normalizeConstraint keeps only the fields a constraint's kind uses, so the event carries exactly the validated shape. */
export function normalizeConstraint(c: Constraint): Constraint {
  switch (c.kind) {
    case 'label':
      return { kind: 'label', key: c.key, op: c.op, values: [...(c.values ?? [])] };
    case 'unique':
      return { kind: 'unique' };
    case 'max-per':
      return c.max == null ? { kind: 'max-per', key: c.key } : { kind: 'max-per', key: c.key, max: c.max };
    default:
      return exhaustive(c);
  }
}

/** DEFAULT_STRATEGY is the strategy of an app that names none. */
export const DEFAULT_STRATEGY: Strategy = 'spread';
