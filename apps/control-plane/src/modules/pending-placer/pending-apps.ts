import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { EventType } from '@mammoth/events';

/** CAPACITY_TRIGGERS are the events after which pending instances may fit: a node joins or comes back, an instance frees its share. */
export const CAPACITY_TRIGGERS: readonly EventType[] = ['NodeRegistered', 'NodeRecovered', 'InstanceUnassigned'];

/** PENDING_CLEARED_BY are the app events after which an app's last InstancesPending no longer stands (as in evolveApp). */
const PENDING_CLEARED_BY: readonly EventType[] = ['AppDeployed', 'AppScaled', 'AppRemoved', 'InstancePlaced'];

/**
 * PendingApps reads the event log (the write side, not a read model) for the pending placer: which apps are pending, and
 * a mark that moves whenever capacity may have appeared. Both are hints; AppScheduler decides on fresh state.
 */
@Injectable()
export class PendingApps {
  constructor(private readonly pool: Pool) {}

  /** names lists the apps whose last InstancesPending is not followed by an event that clears it, i.e. that are pending now. */
  async names(): Promise<string[]> {
    const r = await this.pool.query<{ app: string }>(
      `SELECT p.data->>'app' AS app
         FROM (SELECT DISTINCT ON (stream_id) stream_id, stream_version, data
                 FROM events WHERE type = 'InstancesPending' ORDER BY stream_id, stream_version DESC) p
        WHERE NOT EXISTS (SELECT 1 FROM events e
                           WHERE e.stream_id = p.stream_id AND e.stream_version > p.stream_version AND e.type = ANY($1::text[]))
        ORDER BY 1`,
      [PENDING_CLEARED_BY],
    );
    return r.rows.map((x) => x.app);
  }

  /**
   * capacityMark is the highest log position of a CAPACITY_TRIGGERS event; a change means capacity may have appeared. A trigger
   * that commits late with a lower position does not move it; the placer's periodic sweep covers that.
   */
  async capacityMark(): Promise<string> {
    const latest = CAPACITY_TRIGGERS.map((_, i) => `(SELECT max(position) FROM events WHERE type = $${i + 1})`);
    const r = await this.pool.query<{ mark: string }>(
      `SELECT COALESCE(GREATEST(${latest.join(', ')}), 0)::text AS mark`,
      [...CAPACITY_TRIGGERS],
    );
    return r.rows[0].mark;
  }
}
