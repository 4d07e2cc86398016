import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';

/** REPAIR_TRIGGERS are the instance events after which an instance may need replacing: a health verdict, an exit. */
export const REPAIR_TRIGGERS = ['InstanceHealthChanged', 'InstanceExited'] as const;

/** Tail is the instances named by trigger events after a log position, and the position to read after next time. */
export interface Tail {
  readonly instanceIds: string[];
  readonly position: string;
}

/**
 * RepairCandidates reads the event log (the write side, not a read model) for instances that may need replacing. Both
 * reads are hints: InstanceRepair decides on each instance's and app's fresh streams. The tail follows positions, so a trigger
 * that commits late below the tail's position is missed there and found by the next sweep.
 */
@Injectable()
export class RepairCandidates {
  constructor(private readonly pool: Pool) {}

  /** head is the log's last position, where a new tail starts. */
  async head(): Promise<string> {
    const r = await this.pool.query<{ p: string }>('SELECT COALESCE(max(position), 0)::text AS p FROM events');
    return r.rows[0].p;
  }

  /** tail lists the instances of unhealthy verdicts and of exits after `after`, at most `limit` events, in log order. */
  async tail(after: string, limit = 1000): Promise<Tail> {
    const r = await this.pool.query<{ position: string; id: string }>(
      `SELECT position::text, data->>'instanceId' AS id FROM events
        WHERE type = ANY($1::text[]) AND position > $2 AND NOT (type = 'InstanceHealthChanged' AND (data->>'healthy')::boolean)
        ORDER BY position LIMIT $3`,
      [REPAIR_TRIGGERS, after, limit],
    );
    return { instanceIds: distinct(r.rows.map((x) => x.id)), position: r.rows.at(-1)?.position ?? after };
  }

  /** sweep lists the instances whose latest verdict since `since` is unhealthy, and those that exited since `since`. */
  async sweep(since: Date): Promise<string[]> {
    const r = await this.pool.query<{ id: string }>(
      `SELECT id FROM (SELECT DISTINCT ON (stream_id) data->>'instanceId' AS id, (data->>'healthy')::boolean AS healthy FROM events
                        WHERE type = 'InstanceHealthChanged' AND recorded_at >= $1 ORDER BY stream_id, stream_version DESC) h
        WHERE NOT healthy
       UNION
       SELECT DISTINCT data->>'instanceId' FROM events WHERE type = 'InstanceExited' AND recorded_at >= $1`,
      [since],
    );
    return r.rows.map((x) => x.id);
  }
}

function distinct(xs: string[]): string[] {
  return [...new Set(xs)];
}
