/**
 * abortable turns a generator that watches an AbortSignal into an iterator whose `return()` ends it at once. graphql-ws calls
 * `return()` when a client unsubscribes or disconnects; a plain async generator would only see it at its next `yield`, so a
 * subscription waiting for the log to move would linger until the next event.
 */
export function abortable<T>(make: (signal: AbortSignal) => AsyncGenerator<T>): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const inner = make(controller.signal);
  return {
    next: () => inner.next(),
    return: async (value?: unknown) => {
      controller.abort();
      return inner.return(value);
    },
    throw: async (err?: unknown) => {
      controller.abort();
      return inner.throw(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
