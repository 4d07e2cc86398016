import { ClientConfig, Pool } from 'pg';
import { PgChannelListener } from './pg-listener';

/** OUTBOX_CHANNEL is the NOTIFY channel every append signals in its own transaction, so listeners hear of it at commit. */
export const OUTBOX_CHANNEL = 'mammoth_outbox';

/** WatermarkOptions tunes how often the watermark looks without being notified. */
export interface WatermarkOptions {
  /** pollMs is the safety-net poll when no notification comes (default 500). */
  pollMs?: number;
  /** gapPollMs is how often it checks whether the transactions it waits for have ended (default 10). */
  gapPollMs?: number;
  log?: (msg: string) => void;
  /** onLook is called after every look at the log (its liveness). */
  onLook?: () => void;
}

/**
 * LogWatermark tracks the event log's safe position W: every position ≤ W is final, either committed and visible or a hole
 * that no transaction will ever fill. Positions come from a sequence before commit, so a later position can become visible
 * before an earlier one (sequence gaps under concurrent transactions); a reader that never reads past W delivers every
 * event exactly once and in position order, and a late-committing lower position is simply waited for.
 *
 * Passing a gap needs no timeout. Having seen the highest visible position M with a gap below it, the watermark notes the
 * transactions that hold a write lock on `events` right now (pg_locks, by virtual transaction id). Whoever drew a position
 * below M drew it before M was drawn, inside an INSERT that took that lock first and keeps it until its transaction ends,
 * so it has finished or is among them. Once all of them have ended, every position ≤ M is final. A slow commit therefore
 * delays the watermark by as long as that one transaction lasts, but is never skipped; other transactions (projections,
 * idle sessions) do not delay it.
 */
export class LogWatermark {
  private safe = 0n;
  private pending: { upTo: bigint; writers: string[]; since: number; warned: boolean } | null = null;
  private running = false;
  private advancing: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly listener: PgChannelListener;
  private readonly pollMs: number;
  private readonly gapPollMs: number;
  private readonly log: (msg: string) => void;
  private readonly onLook: () => void;

  constructor(
    private readonly pool: Pool,
    listenConfig: ClientConfig,
    opts: WatermarkOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 500;
    this.gapPollMs = opts.gapPollMs ?? 10;
    this.log = opts.log ?? (() => undefined);
    this.onLook = opts.onLook ?? (() => undefined);
    this.listener = new PgChannelListener(listenConfig, [OUTBOX_CHANNEL], () => this.kick(), this.log);
  }

  /** position is the current safe position (0 before the first look). */
  get position(): bigint {
    return this.safe;
  }

  /** start takes a first look (so `position` is meaningful when it resolves) and starts listening and polling. */
  async start(): Promise<void> {
    this.running = true;
    this.kick();
    await this.advancing;
    await this.listener.start();
  }

  /** stop ends listening and polling and releases every waiter. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.listener.stop();
    await this.advancing;
    this.release();
  }

  /** changed resolves when the watermark next moves, after `timeoutMs`, or when `signal` aborts, whichever comes first. */
  changed(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || !this.running) return resolve();
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

  /** kick asks for a look now; looks run one at a time, and a kick during a look runs one more afterwards. */
  kick(): void {
    if (!this.running) return;
    if (this.advancing) {
      this.again = true;
      return;
    }
    this.advancing = (async () => {
      do {
        this.again = false;
        try {
          await this.advance();
        } catch (err) {
          this.log(`log watermark: ${(err as Error).message}`);
        }
      } while (this.again && this.running);
    })().finally(() => {
      this.onLook();
      this.advancing = null;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => this.kick(), this.pending ? this.gapPollMs : this.pollMs);
  }

  private async advance(): Promise<void> {
    const before = this.safe;
    const max = BigInt(
      (await this.pool.query<{ m: string }>('SELECT COALESCE(max(position), 0)::text AS m FROM events')).rows[0].m,
    );
    if (this.pending && (await this.ended(this.pending.writers))) {
      if (this.pending.upTo > this.safe) this.safe = this.pending.upTo;
      this.pending = null;
    }
    if (max > this.safe) await this.walk(max);
    if (this.safe < max && !this.pending) {
      const writers = await this.writers();
      if (writers.length === 0) this.safe = max;
      else this.pending = { upTo: max, writers, since: Date.now(), warned: false };
    }
    if (this.pending && !this.pending.warned && Date.now() - this.pending.since > 5000) {
      this.pending.warned = true;
      this.log(
        `log watermark: position ${this.safe + 1n} waits for event-store writers ${this.pending.writers.join(', ')} still open after 5 s`,
      );
    }
    if (this.pending && this.pending.upTo <= this.safe) this.pending = null;
    if (this.safe > before) this.release();
  }

  /** walk moves the watermark over every position present without a gap, up to `max`. */
  private async walk(max: bigint): Promise<void> {
    const PAGE = 5000;
    while (this.safe < max) {
      if (max - this.safe > BigInt(PAGE)) {
        const n = BigInt(
          (
            await this.pool.query<{ n: string }>(
              'SELECT count(*)::text AS n FROM events WHERE position > $1 AND position <= $2',
              [this.safe.toString(), max.toString()],
            )
          ).rows[0].n,
        );
        if (n === max - this.safe) {
          this.safe = max;
          return;
        }
      }
      const r = await this.pool.query<{ p: string }>(
        'SELECT position::text AS p FROM events WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3',
        [this.safe.toString(), max.toString(), PAGE],
      );
      let moved = false;
      for (const row of r.rows) {
        if (BigInt(row.p) !== this.safe + 1n) break;
        this.safe += 1n;
        moved = true;
      }
      if (!moved) return;
    }
  }

  /** writers lists the (virtual ids of the) transactions that hold a write lock on `events` now, other than this session's. */
  private async writers(): Promise<string[]> {
    const r = await this.pool.query<{ vxid: string }>(
      `SELECT DISTINCT virtualtransaction AS vxid FROM pg_locks
        WHERE locktype = 'relation' AND relation = 'events'::regclass AND mode = 'RowExclusiveLock'
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND pid IS DISTINCT FROM pg_backend_pid()`,
    );
    return r.rows.map((x) => x.vxid);
  }

  private async ended(writers: string[]): Promise<boolean> {
    const r = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'relation' AND relation = 'events'::regclass AND virtualtransaction = ANY($1::text[])`,
      [writers],
    );
    return r.rows[0].n === 0;
  }

  private release(): void {
    for (const w of [...this.waiters]) w();
  }
}
