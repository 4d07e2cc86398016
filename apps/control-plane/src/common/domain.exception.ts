import { DomainError } from '@mammoth/domain';

/** DomainException carries an expected DomainError out of a command handler to the API edge. */
export class DomainException extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

/** orThrow returns the events of a Decision or throws its DomainError as a DomainException. */
export function orThrow<E>(decision: readonly E[] | DomainError): readonly E[] {
  if (decision instanceof DomainError) throw new DomainException(decision);
  return decision;
}
