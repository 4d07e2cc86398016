import { AclEvent, makeEvent } from '@mammoth/events';
import { Decision, DomainError, exhaustive } from '../shared/errors';

/** BootstrapState says whether the first admin token was made. */
export type BootstrapState =
  { readonly bootstrapped: false } | { readonly bootstrapped: true; readonly tokenId: string };

type BootstrapEvent = Extract<AclEvent, { type: 'AclBootstrapped' }>;

export const initialBootstrapState = (): BootstrapState => ({ bootstrapped: false });

/** evolveBootstrap folds the bootstrap stream. */
export function evolveBootstrap(state: BootstrapState, event: AclEvent): BootstrapState {
  switch (event.type) {
    case 'AclBootstrapped':
      return { bootstrapped: true, tokenId: event.data.tokenId };
    case 'TokenCreated':
    case 'TokenRevoked':
    case 'PolicyPut':
    case 'PolicyDeleted':
    case 'JoinTokenCreated':
    case 'JoinTokenRevoked':
    case 'JoinTokenUsed':
    case 'NodeEnrolled':
      return state;
    default:
      return exhaustive(event);
  }
}

/** decideBootstrap allows the first admin token once; a second bootstrap is refused, naming the first token. */
export function decideBootstrap(cmd: { readonly tokenId: string }, state: BootstrapState): Decision<BootstrapEvent> {
  if (state.bootstrapped)
    return new DomainError(
      'FAILED_PRECONDITION',
      `already bootstrapped (token ${state.tokenId}); create further tokens with createToken`,
    );
  return [makeEvent('AclBootstrapped', { tokenId: cmd.tokenId })];
}
