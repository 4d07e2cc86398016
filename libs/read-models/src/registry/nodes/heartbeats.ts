import { Queryable, selectRows } from '../../row-store/rows';
import { TableSchema } from '../../row-store/table';

/** HeartbeatRow is one row of rm_node_heartbeats: the newest heartbeat the projector has seen from a node. */
export interface HeartbeatRow {
  node_id: string;
  last_heartbeat_at: string;
}

/** heartbeatsTable describes rm_node_heartbeats. */
export const heartbeatsTable: TableSchema<HeartbeatRow> = {
  table: 'rm_node_heartbeats',
  columns: { node_id: 'text', last_heartbeat_at: 'timestamptz' },
  key: ['node_id'],
};

/** saveHeartbeats stores each node's newest heartbeat in one upsert; an older one never replaces a newer one. */
export async function saveHeartbeats(db: Queryable, latest: ReadonlyMap<string, Date>): Promise<void> {
  await db.query(
    `INSERT INTO rm_node_heartbeats (node_id, last_heartbeat_at)
     SELECT * FROM unnest($1::text[], $2::timestamptz[])
     ON CONFLICT (node_id) DO UPDATE
       SET last_heartbeat_at = GREATEST(rm_node_heartbeats.last_heartbeat_at, EXCLUDED.last_heartbeat_at)`,
    [[...latest.keys()], [...latest.values()].map((d) => d.toISOString())],
  );
}

/** listHeartbeats reads every node's newest heartbeat. */
export function listHeartbeats(db: Queryable): Promise<HeartbeatRow[]> {
  return selectRows(db, heartbeatsTable, '', [], 'rm-heartbeats-list');
}
