import wildcardMatch from 'wildcard-match';
import { PolicyRule } from '@mammoth/events';
import { DomainError } from '../shared/errors';

/** CAPABILITIES is every capability an operation can require, `<kind>:<verb>`; a policy's patterns must match one. */
export const CAPABILITIES = [
  'apps:read',
  'apps:deploy',
  'apps:scale',
  'apps:update',
  'apps:remove',
  'apps:hostnetwork',
  'packages:read',
  'packages:upload',
  'events:read',
  'secrets:read',
  'secrets:write',
  'nodes:read',
  'nodes:register',
  'nodes:report',
  'nodes:assignments',
  'nodes:pull',
  'tokens:read',
  'tokens:create',
  'tokens:revoke',
  'policies:read',
  'policies:put',
  'policies:delete',
  'cluster:read',
  'metrics:read',
] as const;

/** Capability is one of CAPABILITIES. */
export type Capability = (typeof CAPABILITIES)[number];

/**
 * EXPLICIT_CAPABILITIES are granted only when a rule names them, or by `*` (everything, the admin's): a kind wildcard such
 * as `apps:*` does not reach them, so a team allowed every app operation does not get its apps the host's network.
 */
const EXPLICIT_CAPABILITIES: ReadonlySet<string> = new Set<Capability>(['apps:hostnetwork']);

/** capabilityMatcher compiles a capability pattern, keeping EXPLICIT_CAPABILITIES out of its wildcards. */
function capabilityMatcher(pattern: string): (capability: string) => boolean {
  const match = glob(pattern);
  return (c) => (EXPLICIT_CAPABILITIES.has(c) ? pattern === c || pattern === '*' : match(c));
}

/** CLUSTER_RESOURCE is the resource of an operation on no particular object: only a rule on `*` covers it. */
export const CLUSTER_RESOURCE = '*';

const CAPABILITY_PATTERN = /^(\*|[a-z*]+:[a-z*]+)$/;
const RESOURCE_PATTERN = /^[A-Za-z0-9*?._:/@-]{1,255}$/;
const MAX_RULES = 64;
const MAX_PATTERNS = 64;

/** glob compiles a pattern in which `*` matches any run of characters (including '/') and `?` any one character. */
function glob(pattern: string): (value: string) => boolean {
  return wildcardMatch(pattern, { separator: false });
}

/** checkRules validates a policy's rules, naming the first bad field as `rules[i].capabilities[j]`. */
export function checkRules(rules: readonly PolicyRule[]): DomainError | null {
  if (rules.length === 0) return DomainError.invalid('rules', 'must hold at least one rule');
  if (rules.length > MAX_RULES) return DomainError.invalid('rules', `must hold at most ${MAX_RULES} rules`);
  for (const [i, rule] of rules.entries()) {
    for (const [key, list] of [
      ['capabilities', rule.capabilities],
      ['resources', rule.resources],
    ] as const) {
      if (list.length === 0 || list.length > MAX_PATTERNS)
        return DomainError.invalid(`rules[${i}].${key}`, `must hold 1 to ${MAX_PATTERNS} patterns`);
    }
    for (const [j, cap] of rule.capabilities.entries()) {
      const field = `rules[${i}].capabilities[${j}]`;
      if (!CAPABILITY_PATTERN.test(cap))
        return DomainError.invalid(field, `"${cap}" must be <kind>:<verb>, with * for any kind or verb`);
      const match = glob(cap);
      if (!CAPABILITIES.some((c) => match(c)))
        return DomainError.invalid(field, `"${cap}" matches no capability (known: ${CAPABILITIES.join(', ')})`);
    }
    for (const [j, res] of rule.resources.entries()) {
      if (!RESOURCE_PATTERN.test(res))
        return DomainError.invalid(
          `rules[${i}].resources[${j}]`,
          `"${res}" must be 1-255 letters, digits, '.', '_', ':', '/', '@', '-', '*' or '?'`,
        );
    }
  }
  return null;
}

/** Grants answers whether a set of rules allows a capability on a resource, or on any resource at all. */
export interface Grants {
  allows(capability: Capability, resource: string): boolean;
  allowsAny(capability: Capability): boolean;
}

/** compileGrants compiles rules once into matchers; a rule grants when one capability and one resource pattern match. */
export function compileGrants(rules: readonly PolicyRule[]): Grants {
  const compiled = rules.map((r) => ({
    caps: r.capabilities.map(capabilityMatcher),
    resources: r.resources.map(glob),
  }));
  return {
    allows: (capability, resource) =>
      compiled.some((r) => r.caps.some((c) => c(capability)) && r.resources.some((m) => m(resource))),
    allowsAny: (capability) => compiled.some((r) => r.caps.some((c) => c(capability))),
  };
}
