import { makeEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { decidePolicy, evolvePolicy, initialPolicyState, PolicyCommand } from './policy';

const decider = { initialState: initialPolicyState, evolve: evolvePolicy, decide: decidePolicy };
const rules = [{ capabilities: ['apps:deploy', 'apps:read'], resources: ['team-a/*'] }];
const put = (over: Partial<Extract<PolicyCommand, { type: 'PutPolicy' }>> = {}): PolicyCommand => ({
  type: 'PutPolicy',
  name: 'team-a',
  rules,
  ...over,
});

describe('policy decider', () => {
  it('puts a policy, replaces it, and writes nothing when it does not change', () => {
    spec(decider)
      .given([])
      .when(put())
      .then([makeEvent('PolicyPut', { name: 'team-a', rules })]);
    const wider = [{ capabilities: ['apps:*'], resources: ['team-a/*'] }];
    spec(decider)
      .given([makeEvent('PolicyPut', { name: 'team-a', rules })])
      .when(put({ rules: wider }))
      .then([makeEvent('PolicyPut', { name: 'team-a', rules: wider })]);
    spec(decider)
      .given([makeEvent('PolicyPut', { name: 'team-a', rules })])
      .when(put())
      .then([]);
  });

  it.each([
    ['a bad name', { name: 'Team A' }, 'name'],
    ['no rules', { rules: [] }, 'rules'],
    ['a malformed capability', { rules: [{ capabilities: ['deploy'], resources: ['*'] }] }, 'rules[0].capabilities[0]'],
    [
      'a capability that matches none',
      { rules: [{ capabilities: ['apps:fly'], resources: ['*'] }] },
      'rules[0].capabilities[0]',
    ],
    ['a bad resource', { rules: [{ capabilities: ['apps:read'], resources: ['a b'] }] }, 'rules[0].resources[0]'],
    ['a rule without resources', { rules: [{ capabilities: ['apps:read'], resources: [] }] }, 'rules[0].resources'],
  ])('refuses %s, naming the field', (_label, over, field) => {
    spec(decider).given([]).when(put(over)).thenError('INVALID_ARGUMENT', field);
  });

  it('keeps the built-in admin policy as it is', () => {
    spec(decider)
      .given([])
      .when(put({ name: 'admin' }))
      .thenError('FAILED_PRECONDITION', 'name');
    spec(decider).given([]).when({ type: 'DeletePolicy', name: 'admin' }).thenError('FAILED_PRECONDITION', 'name');
  });

  it('deletes a policy that exists, once', () => {
    const putEvent = makeEvent('PolicyPut', { name: 'team-a', rules });
    const deleted = makeEvent('PolicyDeleted', { name: 'team-a' });
    spec(decider).given([putEvent]).when({ type: 'DeletePolicy', name: 'team-a' }).then([deleted]);
    spec(decider)
      .given([putEvent, deleted])
      .when({ type: 'DeletePolicy', name: 'team-a' })
      .thenError('NOT_FOUND', 'name');
  });
});
