import { Client } from 'pg';

/** DETECTOR_LOCK_KEY is the session advisory lock that makes one control plane per database the active failure detector. */
export const DETECTOR_LOCK_KEY = 7_424_803;

/** LeaseOptions configures a DetectorLease. */
export interface LeaseOptions {
  readonly connectionString: string;
  readonly retryMs: number;
  readonly log: (message: string) => void;
  readonly key?: number;
}

/**
 * DetectorLease holds a PostgreSQL session advisory lock on a dedicated connection. The lock lives exactly as long as that
 * session: a killed holder's session ends and a standby's next pg_try_advisory_lock wins. The holder checks its connection
 * every `retryMs`; on any error it stops claiming the lease at once and tries again on a fresh connection.
 */
export class DetectorLease {
  private client: Client | null = null;
  private holding = false;
  private acquiredAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly opts: LeaseOptions) {}

  /** held says whether this process holds the lease as of its last check. */
  get held(): boolean {
    return this.holding;
  }

  /** since is when the lease was last acquired (epoch ms), 0 if never. */
  get since(): number {
    return this.acquiredAt;
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      this.ticking = this.tick();
      await this.ticking;
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.opts.retryMs);
    };
    void loop();
  }

  /** stop gives the lease up by closing its session. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await this.drop();
  }

  private async tick(): Promise<void> {
    try {
      if (this.holding) {
        await this.client!.query('SELECT 1');
        return;
      }
      const client = this.client ?? (await this.connect());
      const r = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        this.opts.key ?? DETECTOR_LOCK_KEY,
      ]);
      if (r.rows[0].locked) {
        this.holding = true;
        this.acquiredAt = Date.now();
        this.opts.log('lease acquired; this process is the active failure detector');
      }
    } catch (err) {
      if (this.holding) this.opts.log(`lease lost (${(err as Error).message}); standing by`);
      await this.drop();
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.opts.connectionString,
      connectionTimeoutMillis: 3000,
      query_timeout: 3000,
      keepAlive: true,
    });
    client.on('error', () => {
      // A broken session has lost the lock with it: stop claiming it now, not at the next check.
      if (this.client === client) {
        if (this.holding) this.opts.log('lease connection failed; standing by');
        this.holding = false;
      }
    });
    this.client = client;
    await client.connect();
    return client;
  }

  private async drop(): Promise<void> {
    this.holding = false;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
