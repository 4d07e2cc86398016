/** ErrorCode classifies an expected command failure so the API can map it to a clear message. */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CANNOT_PLACE'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'FAILED_PRECONDITION';

/** DomainError is a typed, expected failure returned (never thrown) by decide functions; it names the field at fault. */
export class DomainError {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
    readonly field?: string,
    readonly details?: unknown,
  ) {}

  static invalid(field: string, reason: string): DomainError {
    return new DomainError('INVALID_ARGUMENT', `${field}: ${reason}`, field);
  }
}

/** Decision is what decide returns: the events to append, or a DomainError. */
export type Decision<E> = readonly E[] | DomainError;

/** isError narrows a Decision to its error branch. */
export function isError<E>(d: Decision<E> | unknown): d is DomainError {
  return d instanceof DomainError;
}

/** exhaustive marks the end of a switch over a union: a new member that is not handled is a compile error. */
export function exhaustive(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
