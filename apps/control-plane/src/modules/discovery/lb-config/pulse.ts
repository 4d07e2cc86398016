/** Pulse lets many waiters wait for the next occurrence of something (a notification), with a timeout and an abort signal. */
export class Pulse {
  private readonly waiters = new Set<() => void>();
  /** count is how many times it fired; take it before looking, pass it to `next`, and a fire in between is not missed. */
  count = 0;

  /** fire wakes every current waiter. */
  fire(): void {
    this.count++;
    for (const w of [...this.waiters]) w();
  }

  /** next resolves at the next fire (at once if it fired since `since`), after `timeoutMs`, or when `signal` aborts. */
  next(timeoutMs: number, signal?: AbortSignal, since = this.count): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || since !== this.count) return resolve();
      const done = (): void => {
        clearTimeout(t);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
