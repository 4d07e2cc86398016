import { createClient } from 'graphql-ws';
import { LbVersion } from '../nginx/nginx-conf';

// graphql-ws needs a WebSocket implementation on Node 20; `ws` is the one its server side uses too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const WebSocketImpl: unknown = require('ws');

const SUBSCRIPTION = 'subscription($after: Int!) { lbConfig(after: $after) { version hash config } }';
const VERSION_QUERY = 'query($v: Int!) { lbConfigVersion(version: $v) { hash } }';

/** FeedOptions wires the feed to the control plane and to the applier. */
export interface FeedOptions {
  /** controlPlaneUrls are the control planes to subscribe at: the feed stays with one until it fails, then tries the next. */
  controlPlaneUrls: readonly string[];
  /** token is presented on the socket's connection_init and on HTTP queries. */
  token: string | null;
  /** applied is the last version applied, read at every (re)subscription so a reconnect resumes from it. */
  applied: () => { version: number; hash: string };
  onVersion: (v: LbVersion) => void;
  /** onDiverged is called when the control plane's version of the applied number has another hash (a different history). */
  onDiverged: () => void;
  log: { log(msg: string): void; warn(msg: string): void };
  /** onBeat is called on every (re)connect attempt, keep-alive answer and version (the companion's liveness). */
  onBeat?: () => void;
}

/**
 * LbConfigFeed keeps a graphql-ws subscription `lbConfig(after: <applied>)` open: the control plane sends every version after
 * the applied one, then each new one. When the connection drops it reconnects with exponential backoff and jitter, and
 * resubscribes from the version applied by then, so nothing is missed and nothing already applied is asked for again.
 * Each reconnect goes to the next control plane in the list, so a lost control plane is left behind at once.
 */
export class LbConfigFeed {
  private running = false;
  private loop: Promise<void> | null = null;
  private stopCurrent: (() => void) | null = null;
  private wake: (() => void) | null = null;
  private endpoint = 0;

  constructor(private readonly opts: FeedOptions) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopCurrent?.();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const beat = () => this.opts.onBeat?.();
    for (let delay = 200; this.running;) {
      let client: ReturnType<typeof createClient> | null = null;
      const baseUrl = this.opts.controlPlaneUrls[this.endpoint];
      const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/graphql`;
      beat();
      try {
        await this.checkHistory(baseUrl);
        const after = this.opts.applied().version;
        const connected = () => this.opts.log.log(`subscribed to lbConfig after version ${after} at ${wsUrl}`);
        client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocketImpl,
          retryAttempts: 0,
          lazy: true,
          keepAlive: 10_000,
          connectionParams: () => this.authorization(),
          on: { connected, pong: beat },
        });
        const it = client.iterate<{ lbConfig: LbVersion }>({ query: SUBSCRIPTION, variables: { after } });
        this.stopCurrent = () => void it.return?.();
        for await (const result of it) {
          if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
          beat();
          if (result.data) this.opts.onVersion(result.data.lbConfig);
          delay = 200;
        }
        if (this.running) this.opts.log.warn('lbConfig subscription ended by the control plane; resubscribing');
      } catch (err) {
        this.endpoint = (this.endpoint + 1) % this.opts.controlPlaneUrls.length;
        if (this.running)
          this.opts.log.warn(
            `lbConfig subscription at ${wsUrl}: ${describe(err)}; reconnecting to ${this.opts.controlPlaneUrls[this.endpoint]} in about ${delay} ms`,
          );
      } finally {
        this.stopCurrent = null;
        await client?.dispose();
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay / 2 + Math.random() * delay);
        this.wake = () => (clearTimeout(t), resolve());
      });
      this.wake = null;
      delay = Math.min(delay * 2, 5000);
    }
  }

  private authorization(): Record<string, string> {
    return this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {};
  }

  /** checkHistory asks whether the control plane's version of the applied number is the one applied; a rebuild keeps it, a new database does not. */
  private async checkHistory(baseUrl: string): Promise<void> {
    const applied = this.opts.applied();
    if (applied.version === 0) return;
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.authorization() },
      body: JSON.stringify({ query: VERSION_QUERY, variables: { v: applied.version } }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as {
      data?: { lbConfigVersion: { hash: string } | null };
      errors?: { message: string }[];
    };
    if (body.errors?.length) throw new Error(body.errors[0].message);
    const theirs = body.data?.lbConfigVersion;
    // Missing: not rendered (again) yet, e.g. during a rebuild; the subscription waits for it.
    if (theirs && theirs.hash !== applied.hash) this.opts.onDiverged();
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  const close = err as { code?: number; reason?: string; type?: string };
  if (close && typeof close.code === 'number')
    return `connection closed (${close.code}${close.reason ? ` ${close.reason}` : ''})`;
  if (close && close.type === 'error') return 'cannot connect';
  return String(err);
}
