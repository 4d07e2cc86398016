import { makeEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { decideBootstrap, evolveBootstrap, initialBootstrapState } from './bootstrap';

const decider = { initialState: initialBootstrapState, evolve: evolveBootstrap, decide: decideBootstrap };

describe('bootstrap decider', () => {
  it('bootstraps once and refuses a second time', () => {
    const done = makeEvent('AclBootstrapped', { tokenId: 't1' });
    spec(decider).given([]).when({ tokenId: 't1' }).then([done]);
    spec(decider).given([done]).when({ tokenId: 't2' }).thenError('FAILED_PRECONDITION');
  });
});
