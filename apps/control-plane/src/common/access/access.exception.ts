/** AccessException refuses a call: UNAUTHENTICATED (no, bad, expired or revoked token) or FORBIDDEN (a capability missing). */
export class AccessException extends Error {
  private constructor(
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN',
    message: string,
    readonly capability?: string,
    readonly resource?: string,
  ) {
    super(message);
  }

  /** unauthenticated says why the presented credentials were refused. */
  static unauthenticated(reason: string): AccessException {
    return new AccessException('UNAUTHENTICATED', reason);
  }

  /** forbidden names the capability and the resource the caller lacks. */
  static forbidden(subject: string, capability: string, resource: string, detail?: string): AccessException {
    return new AccessException(
      'FORBIDDEN',
      `${subject} lacks the capability ${capability} on ${resource}${detail ? ` (${detail})` : ''}`,
      capability,
      resource,
    );
  }

  /** undeclared refuses a method that declares no access rule (deny by default). */
  static undeclared(method: string): AccessException {
    return new AccessException('FORBIDDEN', `${method} declares no capability, so it is refused`);
  }
}
