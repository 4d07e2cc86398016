import { Client, Pool, PoolClient } from 'pg';
import { LogWatermark } from '@mammoth/event-store';
import { EVENT_COLUMNS, EventRow, parkedError, parkPoison, Poison, readRow } from './log-poison';
import { LoggedEvent, LogPage, LogProjection } from './log-projection';
import { ProjectorLog, REBUILT_CHANNEL } from './projection';
import { lockProjection, withTransaction } from './tx';

/** LogRunnerDeps are what a log projection runner needs: the pool, the log's safe position and a log. */
export interface LogRunnerDeps {
  pool: Pool;
  watermark: LogWatermark;
  log: ProjectorLog;
  pageSize?: number;
}

/** StepDone is what one step did: the page it folded, if any, and the error of the event it is stopped at, if any. */
interface StepDone {
  readonly halted: string | null;
  readonly page?: { readonly position: bigint; readonly state: unknown; readonly applied: number };
}

/** COMMIT_KEY is the SQL for a LoggedEvent's commit key; `recorded_at` is the inserting transaction's start time. */
export const COMMIT_KEY = `(extract(epoch FROM recorded_at) * 1000000)::bigint::text || '/' || (metadata->>'correlationId')`;

/**
 * LogProjectionRunner folds the event store into a LogProjection, page by page, up to the log's safe position (LogWatermark),
 * so every event is applied exactly once in position order even when positions commit out of order. Each page, its state and
 * the new position are written in one transaction under the projection's advisory lock, so several projector processes (or a
 * rebuild elsewhere) never interleave; the state cached between pages is re-read whenever the stored position is not the one
 * this runner wrote last. An event it cannot read stops the projection just before it (its output is one sequence that a
 * rebuild must reproduce, so nothing may be applied around it): the event is parked, logged and shown by the `projections`
 * query, and the runner goes on once a reader can read it (re-checked on every step) or an operator skips it. start, stop
 * and rebuild run one at a time.
 */
export class LogProjectionRunner {
  readonly stats = { applied: 0, pages: 0, rebuilds: 0, failedPages: 0, halts: 0 };
  private halted: string | null = null;
  private wanted = false;
  private loop: Promise<void> | null = null;
  private abort = new AbortController();
  private cache: { position: bigint; state: unknown } | null = null;
  private lifecycle: Promise<void> = Promise.resolve();
  private readonly pageSize: number;

  constructor(
    readonly projection: LogProjection,
    private readonly deps: LogRunnerDeps,
  ) {
    this.pageSize = deps.pageSize ?? 1000;
  }

  get name(): string {
    return this.projection.name;
  }

  start(): Promise<void> {
    return this.serially(async () => {
      if (this.loop) return;
      this.wanted = true;
      this.abort = new AbortController();
      this.loop = this.run();
    });
  }

  stop(): Promise<void> {
    return this.serially(() => this.halt());
  }

  /** rebuild stops folding, empties the tables and the position in one transaction, and folds again from the start of the log. */
  rebuild(): Promise<void> {
    return this.serially(async () => {
      const was = this.loop !== null;
      await this.halt();
      try {
        await resetLogProjection(this.deps.pool, this.projection);
        this.stats.rebuilds++;
      } finally {
        if (was) {
          this.wanted = true;
          this.abort = new AbortController();
          this.loop = this.run();
        }
      }
    });
  }

  private async halt(): Promise<void> {
    this.wanted = false;
    this.abort.abort();
    await this.loop;
    this.loop = null;
    this.cache = null;
  }

  private serially(op: () => Promise<void>): Promise<void> {
    const next = this.lifecycle.then(op);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  private async run(): Promise<void> {
    for (let delay = 200; this.wanted;) {
      try {
        const progressed = await this.step();
        delay = 200;
        if (!progressed && this.wanted) await this.deps.watermark.changed(1000, this.abort.signal);
      } catch (err) {
        this.cache = null;
        this.stats.failedPages++;
        this.deps.log.error(`projection ${this.name}: page failed, retrying in ${delay} ms: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  /** step folds one page in one transaction; it says whether the position moved. */
  private async step(): Promise<boolean> {
    const safe = this.deps.watermark.position;
    const done = await withTransaction<StepDone>(this.deps.pool, async (tx) => {
      await lockProjection(tx, this.name);
      const stop = await parkedError(tx, this.name);
      if (stop !== null) return { halted: stop };
      const position = await storedPosition(tx, this.name);
      if (position >= safe) return { halted: null };
      const state = this.cache?.position === position ? this.cache.state : await this.projection.load(tx);
      const events = await this.page(tx, position, safe);
      const atSafe = events.rows < this.pageSize && !events.poison;
      const next = events.poison ? BigInt(events.poison.row.position) - 1n : atSafe ? safe : BigInt(events.last);
      const page: LogPage = {
        events: events.events,
        atSafe,
        commitContinues: (key) => commitContinues(tx, safe, this.projection.types, key),
      };
      this.cache = null; // apply may change the state in place: it is only trusted once the transaction commits
      await this.projection.apply(tx, state, page);
      await tx.query(
        `INSERT INTO projection_positions (projection, position) VALUES ($1, $2)
         ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position`,
        [this.name, next.toString()],
      );
      if (events.poison) await parkPoison(tx, this.name, events.poison);
      return { halted: events.poison?.error ?? null, page: { position: next, state, applied: events.events.length } };
    });
    this.noteHalt(done.halted);
    if (!done.page) return false;
    this.cache = { position: done.page.position, state: done.page.state };
    this.stats.applied += done.page.applied;
    this.stats.pages++;
    return done.halted === null;
  }

  /** noteHalt logs when the projection stops at an event it cannot read, and when it goes on again, once each. */
  private noteHalt(error: string | null): void {
    if (error !== null && this.halted === null) {
      this.stats.halts++;
      this.deps.log.error(
        `projection ${this.name}: stopped before an event it cannot read: ${error}; it goes on once a reader can read ` +
          `it (restart the projector with the new version) or it is skipped (projector CLI: dead-letters skip ${this.name})`,
      );
    } else if (error === null && this.halted !== null) {
      this.deps.log.log(`projection ${this.name}: goes on again`);
    }
    this.halted = error;
  }

  private async page(
    tx: PoolClient,
    after: bigint,
    safe: bigint,
  ): Promise<{ events: LoggedEvent[]; rows: number; last: string; poison?: Poison }> {
    const r = await tx.query<EventRow & { commit: string }>(
      `SELECT ${EVENT_COLUMNS}, ${COMMIT_KEY} AS commit FROM events e
        WHERE position > $1 AND position <= $2 AND type = ANY($3::text[])
          AND NOT EXISTS (SELECT 1 FROM projection_dead_letters d
                           WHERE d.projection = $5 AND d.status = 'skipped' AND d.position = e.position)
        ORDER BY position LIMIT $4`,
      [after.toString(), safe.toString(), this.projection.types, this.pageSize, this.name],
    );
    const events: LoggedEvent[] = [];
    for (const row of r.rows) {
      const read = readRow(row);
      if ('poison' in read) return { events, rows: r.rows.length, last: String(row.position), poison: read.poison };
      events.push({ recorded: read.recorded, commit: row.commit });
    }
    return {
      events,
      rows: r.rows.length,
      last: r.rows.length ? String(r.rows[r.rows.length - 1].position) : after.toString(),
    };
  }
}

/** storedPosition is the log position a log projection has applied up to (0 when it has applied nothing). */
export async function storedPosition(db: Pool | PoolClient | Client, name: string): Promise<bigint> {
  const r = await db.query<{ position: string }>(
    'SELECT position::text AS position FROM projection_positions WHERE projection = $1',
    [name],
  );
  return r.rows.length ? BigInt(r.rows[0].position) : 0n;
}

/**
 * commitContinues looks for an event of commit `key` beyond the safe position. It compares the key's parts, not the key:
 * every row past the watermark is then a timestamp comparison, and only a row of the same transaction start has its
 * metadata read (building COMMIT_KEY for each of them made this a tenth of the database's time under a deploy burst).
 */
export async function commitContinues(
  tx: PoolClient,
  safe: bigint,
  types: readonly string[],
  key: string,
): Promise<boolean> {
  const slash = key.indexOf('/');
  const r = await tx.query(
    `SELECT 1 FROM events WHERE position > $1 AND type = ANY($2::text[]) AND recorded_at = $3::timestamptz AND metadata->>'correlationId' = $4 LIMIT 1`,
    [safe.toString(), types, microsToTimestamp(BigInt(key.slice(0, slash))), key.slice(slash + 1)],
  );
  return r.rows.length > 0;
}

/** microsToTimestamp writes microseconds since the epoch as an exact ISO timestamp (a Date holds only milliseconds). */
export function microsToTimestamp(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const fraction = (micros % 1_000_000n).toString().padStart(6, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

/** resetLogProjection empties a log projection's tables and forgets its position in one transaction, then notifies REBUILT_CHANNEL. */
export async function resetLogProjection(pool: Pool, projection: LogProjection): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await lockProjection(tx, projection.name);
    if (projection.tables.length) await tx.query(`TRUNCATE ${projection.tables.map((t) => `"${t}"`).join(', ')}`);
    await tx.query('DELETE FROM projection_positions WHERE projection = $1', [projection.name]);
    await tx.query('DELETE FROM projection_dead_letters WHERE projection = $1', [projection.name]);
    await tx.query('SELECT pg_notify($1, $2)', [REBUILT_CHANNEL, projection.name]);
  });
}
