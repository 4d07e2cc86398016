import { DomainError } from './errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** checkName validates an app or package name as a DNS label, so it can appear in host names and stream ids. */
export function checkName(field: string, value: string): DomainError | null {
  if (!DNS_LABEL.test(value)) {
    return DomainError.invalid(
      field,
      `"${value}" must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit`,
    );
  }
  return null;
}

/** checkInt validates that a number is an integer within bounds. */
export function checkInt(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): DomainError | null {
  if (!Number.isInteger(value)) return DomainError.invalid(field, `must be a whole number, got ${value}`);
  if (value < min) return DomainError.invalid(field, `must be at least ${min}, got ${value}`);
  if (value > max) return DomainError.invalid(field, `must be at most ${max}, got ${value}`);
  return null;
}

/** firstError returns the first non-null error of a list of checks. */
export function firstError(...checks: (DomainError | null)[]): DomainError | null {
  return checks.find((c) => c !== null) ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** isValidUuid says whether a string is a UUID, the form of every instance id. */
export function isValidUuid(s: string): boolean {
  return UUID.test(s);
}
