import { Client, ClientOptions, createClient } from 'graphql-ws';
import type { TadaDocumentNode } from 'gql.tada';
import { ApiClient, queryText } from './client';
import { apiErrorOf, ApiError } from './errors';

/** FollowStatus is what a follow is doing: opening its first subscription, or opening another after a drop. */
export type FollowStatus = 'connecting' | 'reconnecting';

/** FollowOptions tells `follow` where to start, where each item goes and when to stop. */
export interface FollowOptions<T> {
  /** after is the position of the last item already seen ("0" for everything). */
  readonly after: string;
  readonly signal: AbortSignal;
  onItem(item: T): void;
  onStatus?(status: FollowStatus, error?: unknown): void;
  /** retryDelayMs is the wait before reconnect attempt `attempt` (0-based); default 250 ms doubling up to 5 s. */
  retryDelayMs?(attempt: number): number;
}

/**
 * follow streams position-ordered items from `open(after)` and, whenever the stream drops, opens it again after the
 * last position seen, so each item reaches `onItem` once and in order. It ends when the signal aborts, and rejects on
 * an API error that a retry cannot fix (a bad argument).
 */
export async function follow<T extends { position: string }>(
  open: (after: string) => AsyncIterable<T>,
  options: FollowOptions<T>,
): Promise<void> {
  const { signal } = options;
  const delay = options.retryDelayMs ?? ((n: number) => Math.min(5000, 250 * 2 ** n));
  const aborted = new Promise<'aborted'>((resolve) => signal.addEventListener('abort', () => resolve('aborted')));
  let last = BigInt(options.after);
  let attempt = 0;
  while (!signal.aborted) {
    options.onStatus?.(attempt === 0 ? 'connecting' : 'reconnecting');
    const items = open(last.toString())[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await Promise.race([items.next(), aborted]);
        if (next === 'aborted') {
          items.return?.().catch(() => undefined);
          return;
        }
        if (next.done) break;
        attempt = 0;
        const position = BigInt(next.value.position);
        if (position <= last) continue;
        last = position;
        options.onItem(next.value);
      }
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError && err.code !== 'UNAVAILABLE') throw err;
      options.onStatus?.('reconnecting', err);
    }
    await sleep(delay(attempt++), signal);
  }
}

/** LiveClientOptions adds a WebSocket implementation (Node's `ws`) and connection listeners to a live client. */
export interface LiveClientOptions {
  readonly webSocketImpl?: unknown;
  readonly base?: string;
  readonly on?: ClientOptions['on'];
}

/**
 * liveClient opens graphql-ws connections to Mammoth, presenting the bearer token in the connection params; it never
 * reconnects on its own, so that `follow` resumes from the last position instead of replaying the first request.
 */
export function liveClient(api: ApiClient, options: LiveClientOptions = {}): Client {
  return createClient({
    url: api.wsUrl(options.base),
    webSocketImpl: options.webSocketImpl,
    connectionParams: () => api.authHeaders(),
    retryAttempts: 0,
    lazy: true,
    on: options.on,
  });
}

/** subscribe runs a subscription and yields each result's data, throwing its first error as an ApiError. */
export async function* subscribe<R, V>(client: Client, doc: TadaDocumentNode<R, V>, variables: V): AsyncGenerator<R> {
  const results = client.iterate<R>({ query: queryText(doc), variables: variables as Record<string, unknown> });
  for await (const result of results) {
    if (result.errors?.length) throw apiErrorOf(result.errors[0]);
    if (result.data) yield result.data;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
