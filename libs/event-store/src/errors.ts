/** WrongExpectedVersionError means a stream moved on since it was read; the command must be retried on fresh state. */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
  ) {
    super(`stream ${streamId} is not at expected version ${String(expected)}`);
  }
}

/** ExpectedVersion is a stream's version as last read (0: the stream must not exist yet), or 'any'. */
export type ExpectedVersion = number | 'any';
