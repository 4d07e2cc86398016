/** EndpointUnreachableError is a call that got no answer from an endpoint (refused, reset, timed out): another may answer. */
export class EndpointUnreachableError extends Error {}

/**
 * Endpoints is the control plane's base URLs (CONTROL_PLANE_URL=a,b), tried in turn: a call starts at the endpoint that
 * answered last and moves on only when one is unreachable, so losing a control plane costs an attempt, not the call. An
 * endpoint that answers, even with an error, ends the call: every control plane shares one database, so another would
 * give the same answer.
 */
export class Endpoints {
  private preferred = 0;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new Error('Endpoints: no control plane URL');
  }

  /** current is the endpoint the next call starts at. */
  get current(): string {
    return this.urls[this.preferred];
  }

  async call<T>(op: (baseUrl: string) => Promise<T>): Promise<T> {
    const failures: EndpointUnreachableError[] = [];
    for (let i = 0; i < this.urls.length; i++) {
      const at = (this.preferred + i) % this.urls.length;
      try {
        const result = await op(this.urls[at]);
        this.preferred = at;
        return result;
      } catch (err) {
        if (!(err instanceof EndpointUnreachableError)) {
          this.preferred = at;
          throw err;
        }
        failures.push(err);
      }
    }
    if (failures.length === 1) throw failures[0];
    throw new EndpointUnreachableError(`no control plane answered: ${failures.map((e) => e.message).join('; ')}`);
  }
}
