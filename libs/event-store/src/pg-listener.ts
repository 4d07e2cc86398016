import { Alarm } from './alarm';
import { Client, ClientConfig } from 'pg';

/**
 * PgChannelListener LISTENs on a few PostgreSQL NOTIFY channels on a dedicated connection and calls `onNotify` for each
 * notification. The connection is checked every few seconds and re-opened with backoff, so it survives PostgreSQL restarts;
 * `onNotify` is also called after every (re)connect, because notifications sent while disconnected are lost and the caller
 * must look for itself.
 */
export class PgChannelListener {
  private client: Client | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly alarm = new Alarm();

  constructor(
    private readonly config: ClientConfig,
    private readonly channels: readonly string[],
    private readonly onNotify: (channel: string, payload: string | undefined) => void,
    private readonly log: (msg: string) => void = () => undefined,
    private readonly checkEveryMs = 5000,
  ) {}

  /** start begins listening; it resolves once the first LISTEN is in place (or the first attempt failed). */
  start(): Promise<void> {
    this.running = true;
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    this.loop = this.run(ready);
    return isReady;
  }

  /** stop closes the connection and ends the reconnect loop. */
  async stop(): Promise<void> {
    this.running = false;
    this.alarm.ring();
    await this.loop;
  }

  private async run(ready: () => void): Promise<void> {
    for (let delay = 200; this.running;) {
      try {
        await this.listen();
        ready();
        this.onNotify('', undefined);
        delay = 200;
        while (this.running && (await this.alive())) await this.alarm.sleep(this.checkEveryMs);
      } catch (err) {
        ready();
        this.log(`listener on ${this.channels.join(', ')}: ${(err as Error).message}; reconnecting in ${delay} ms`);
        await this.alarm.sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      } finally {
        await this.client?.end().catch(() => undefined);
        this.client = null;
      }
    }
    ready();
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionTimeoutMillis: 5000, ...this.config });
    this.client = client;
    client.on('error', () => this.alarm.ring());
    client.on('end', () => this.alarm.ring());
    client.on('notification', (n) => this.onNotify(n.channel, n.payload));
    await client.connect();
    for (const channel of this.channels) await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
  }

  private async alive(): Promise<boolean> {
    try {
      await this.client!.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
