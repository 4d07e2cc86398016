import { NodeUsage } from '@mammoth/events';
import { Queryable, selectRows } from '../../row-store/rows';
import { TableSchema } from '../../row-store/table';

/** HeartbeatRow is one row of rm_node_heartbeats: the newest heartbeat the projector has seen from a node, with its usage. */
export interface HeartbeatRow {
  node_id: string;
  last_heartbeat_at: string;
  /** used_cpu_percent and used_memory_mib are the node's observed use at that heartbeat, or null when it did not say. */
  used_cpu_percent: number | null;
  used_memory_mib: number | null;
}

/** heartbeatsTable describes rm_node_heartbeats. */
export const heartbeatsTable: TableSchema<HeartbeatRow> = {
  table: 'rm_node_heartbeats',
  columns: { node_id: 'text', last_heartbeat_at: 'timestamptz', used_cpu_percent: 'real', used_memory_mib: 'int' },
  key: ['node_id'],
};

/** LatestHeartbeat is a node's newest heartbeat in a batch: when it was sent and the usage it carried. */
export interface LatestHeartbeat {
  readonly at: Date;
  readonly usage: NodeUsage | null;
}

/** saveHeartbeats stores each node's newest heartbeat in one upsert; an older one never replaces a newer one. */
export async function saveHeartbeats(db: Queryable, latest: ReadonlyMap<string, LatestHeartbeat>): Promise<void> {
  const beats = [...latest.values()];
  await db.query(
    `INSERT INTO rm_node_heartbeats AS h (node_id, last_heartbeat_at, used_cpu_percent, used_memory_mib)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::real[], $4::int[])
     ON CONFLICT (node_id) DO UPDATE
       SET last_heartbeat_at = EXCLUDED.last_heartbeat_at,
           used_cpu_percent = EXCLUDED.used_cpu_percent,
           used_memory_mib = EXCLUDED.used_memory_mib
     WHERE h.last_heartbeat_at <= EXCLUDED.last_heartbeat_at`,
    [
      [...latest.keys()],
      beats.map((b) => b.at.toISOString()),
      beats.map((b) => b.usage?.cpuPercent ?? null),
      beats.map((b) => b.usage?.memoryMiB ?? null),
    ],
  );
}

/** listHeartbeats reads every node's newest heartbeat. */
export function listHeartbeats(db: Queryable): Promise<HeartbeatRow[]> {
  return selectRows(db, heartbeatsTable, '', [], 'rm-heartbeats-list');
}
