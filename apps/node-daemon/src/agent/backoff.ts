/** backoffDelay is the wait before attempt n+1 after n consecutive failures: exponential from initialMs, capped at maxMs, 0 when n is 0. */
export function backoffDelay(failures: number, initialMs = 500, maxMs = 30000): number {
  return failures <= 0 ? 0 : Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 30));
}

/** sleep waits ms milliseconds, or less when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** RetryOptions tunes retryUntilDone; `fatal` picks the errors that retrying cannot fix, which are rethrown. */
export interface RetryOptions {
  signal: AbortSignal;
  onError: (err: unknown, retryInMs: number) => void;
  fatal?: (err: unknown) => boolean;
  initialMs?: number;
  maxMs?: number;
}

/** retryUntilDone runs fn until it succeeds, backing off between failures; it gives up (undefined) only when the signal aborts. */
export async function retryUntilDone<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T | undefined> {
  for (let failures = 1; !opts.signal.aborted; failures++) {
    try {
      return await fn();
    } catch (err) {
      if (opts.fatal?.(err)) throw err;
      if (opts.signal.aborted) return undefined;
      const delay = backoffDelay(failures, opts.initialMs, opts.maxMs);
      opts.onError(err, delay);
      await sleep(delay, opts.signal);
    }
  }
  return undefined;
}
