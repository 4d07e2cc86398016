import { createHash } from 'node:crypto';
import { Pool, PoolClient } from 'pg';

/**
 * StoredOffset is where a projection stands on one partition: the next offset it expects, and the anchor, the fingerprint
 * of the message just before it (null before any message, or for offsets stored before anchors existed).
 */
export interface StoredOffset {
  readonly next: bigint;
  readonly anchor: string | null;
}

/**
 * fingerprint identifies a message by its content. kafkajs 2.2.4 speaks Metadata up to v6 and so never sees Kafka's topic
 * ids (v10+); the message just before the stored offset stands in for them: a topic deleted and created again holds
 * another message there, or none.
 */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/** storedOffset is the next offset the projection expects on a partition (0 when it has seen nothing), with its anchor. */
export async function storedOffset(
  db: Pool | PoolClient,
  projection: string,
  topic: string,
  partition: number,
): Promise<StoredOffset> {
  const r = await db.query<{ next_offset: string; anchor: string | null }>(
    'SELECT next_offset, anchor FROM projection_offsets WHERE projection = $1 AND topic = $2 AND partition = $3',
    [projection, topic, partition],
  );
  return r.rows.length ? { next: BigInt(r.rows[0].next_offset), anchor: r.rows[0].anchor } : { next: 0n, anchor: null };
}

/** saveOffset stores the next offset of a partition with the fingerprint of the message before it. */
export async function saveOffset(
  tx: PoolClient,
  projection: string,
  topic: string,
  partition: number,
  offset: StoredOffset,
): Promise<void> {
  await tx.query(
    `INSERT INTO projection_offsets (projection, topic, partition, next_offset, anchor) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, anchor = EXCLUDED.anchor`,
    [projection, topic, partition, offset.next.toString(), offset.anchor],
  );
}

/** forgetOffset drops a partition's stored offset, so the projection reads it again from its start. */
export async function forgetOffset(
  tx: PoolClient,
  projection: string,
  topic: string,
  partition: number,
): Promise<void> {
  await tx.query('DELETE FROM projection_offsets WHERE projection = $1 AND topic = $2 AND partition = $3', [
    projection,
    topic,
    partition,
  ]);
}
