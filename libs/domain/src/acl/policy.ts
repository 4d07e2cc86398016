import { AclEvent, makeEvent, PolicyRule } from '@mammoth/events';
import { Decision, DomainError, exhaustive } from '../shared/errors';
import { checkName } from '../shared/validation';
import { checkRules } from './capabilities';

/**
 * BUILTIN_POLICIES are policies every installation has; they cannot be replaced or deleted: `admin` may do anything,
 * `node` what a node daemon does (register, report, read assignments, pull package blobs), `metrics` what a metrics
 * scraper does (read /metrics and the targets to scrape).
 */
export const BUILTIN_POLICIES: ReadonlyMap<string, readonly PolicyRule[]> = new Map([
  ['admin', [{ capabilities: ['*'], resources: ['*'] }]],
  ['node', [{ capabilities: ['nodes:*'], resources: ['*'] }]],
  ['metrics', [{ capabilities: ['metrics:read'], resources: ['*'] }]],
]);

/** PolicyState is the fold of one policy stream. */
export type PolicyState =
  | { readonly status: 'absent' }
  | { readonly status: 'present'; readonly name: string; readonly rules: readonly PolicyRule[] }
  | { readonly status: 'deleted'; readonly name: string };

/** PolicyCommand puts (creates or replaces) or deletes a named policy. */
export type PolicyCommand =
  | { readonly type: 'PutPolicy'; readonly name: string; readonly rules: readonly PolicyRule[] }
  | { readonly type: 'DeletePolicy'; readonly name: string };

type PolicyEvent = Extract<AclEvent, { type: 'PolicyPut' | 'PolicyDeleted' }>;

export const initialPolicyState = (): PolicyState => ({ status: 'absent' });

/** evolvePolicy folds one policy event into the state; other acl events leave it as it is. */
export function evolvePolicy(state: PolicyState, event: AclEvent): PolicyState {
  switch (event.type) {
    case 'PolicyPut':
      return { status: 'present', name: event.data.name, rules: event.data.rules };
    case 'PolicyDeleted':
      return { status: 'deleted', name: event.data.name };
    case 'TokenCreated':
    case 'TokenRevoked':
    case 'AclBootstrapped':
    case 'JoinTokenCreated':
    case 'JoinTokenRevoked':
    case 'JoinTokenUsed':
    case 'NodeEnrolled':
      return state;
    default:
      return exhaustive(event);
  }
}

/** decidePolicy validates a put or a delete; a put that changes nothing writes nothing. */
export function decidePolicy(cmd: PolicyCommand, state: PolicyState): Decision<PolicyEvent> {
  if (BUILTIN_POLICIES.has(cmd.name))
    return new DomainError('FAILED_PRECONDITION', `name: policy ${cmd.name} is built in and cannot change`, 'name');
  switch (cmd.type) {
    case 'PutPolicy': {
      const invalid = checkName('name', cmd.name) ?? checkRules(cmd.rules);
      if (invalid) return invalid;
      if (state.status === 'present' && JSON.stringify(state.rules) === JSON.stringify(cmd.rules)) return [];
      return [makeEvent('PolicyPut', { name: cmd.name, rules: cmd.rules.map((r) => ({ ...r })) })];
    }
    case 'DeletePolicy':
      if (state.status !== 'present') return new DomainError('NOT_FOUND', `name: no policy named ${cmd.name}`, 'name');
      return [makeEvent('PolicyDeleted', { name: cmd.name })];
    default:
      return exhaustive(cmd);
  }
}
