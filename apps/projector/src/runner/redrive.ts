import { Pool, PoolClient } from 'pg';
import { MammothEvent, RecordedEvent } from '@mammoth/events';
import { rebuildHint } from './apply-batch';
import { foldEvents, saveStreamVersions, streamVersions } from './apply-events';
import { dropLetters, pendingLetters, setLetter } from './dead-letters';
import { Projection } from './projection';
import { decodeMessage, StreamGate } from './stream-gate';
import { lockProjection, withTransaction } from './tx';

/** Redriven says what a retry of one stream did: events applied, duplicates dropped, and the error still blocking it. */
export interface Redriven {
  readonly streamId: string;
  readonly applied: number;
  readonly dropped: number;
  readonly stillParked: string | null;
}

/**
 * retryStream reads one stream's parked and waiting messages again, in order, with this process's reader (after an upgrade
 * it knows the newer schema), applies what it can and stops at the first it still cannot read, in one transaction under
 * the projection's lock, so it never interleaves with a batch of a running projector.
 */
export function retryStream(pool: Pool, projection: Projection, streamId: string): Promise<Redriven> {
  return withTransaction(pool, async (tx) => {
    await lockProjection(tx, projection.name);
    return redrive(tx, projection, streamId);
  });
}

/** skipStream gives up the message that blocks a stream (kept as `skipped`), then retries the ones behind it. */
export function skipStream(pool: Pool, projection: Projection, streamId: string): Promise<Redriven> {
  return withTransaction(pool, async (tx) => {
    await lockProjection(tx, projection.name);
    const [first] = await pendingLetters(tx, projection.name, streamId);
    if (!first) throw new Error(`projection ${projection.name} has nothing parked for stream ${streamId}`);
    await setLetter(tx, first.id, 'skipped');
    if (first.streamVersion !== null)
      await saveStreamVersions(tx, projection.name, new Map([[streamId, first.streamVersion]]));
    return redrive(tx, projection, streamId);
  });
}

/** retryParked retries every stream the projection has parked; the projector does it on start, an upgrade may read them. */
export async function retryParked(pool: Pool, projection: Projection): Promise<Redriven[]> {
  const r = await pool.query<{ stream_id: string }>(
    `SELECT DISTINCT stream_id FROM projection_dead_letters WHERE projection = $1 AND status = 'parked'`,
    [projection.name],
  );
  const out: Redriven[] = [];
  for (const { stream_id } of r.rows) out.push(await retryStream(pool, projection, stream_id));
  return out;
}

async function redrive(tx: PoolClient, projection: Projection, streamId: string): Promise<Redriven> {
  const letters = await pendingLetters(tx, projection.name, streamId);
  const gate = new StreamGate(
    await streamVersions(tx, projection.name, [streamId]),
    new Set(),
    rebuildHint(projection.name),
  );
  const events: RecordedEvent<MammothEvent>[] = [];
  const done: string[] = [];
  let stillParked: string | null = null;
  for (const letter of letters) {
    if (stillParked !== null) {
      if (letter.status !== 'waiting') await setLetter(tx, letter.id, 'waiting', 'waits behind a parked event');
      continue;
    }
    const verdict = gate.judge(decodeMessage(letter.payload, letter.streamId, letter.source));
    if (verdict.kind === 'apply') events.push(verdict.event);
    if (verdict.kind === 'apply' || verdict.kind === 'duplicate') done.push(letter.id);
    if (verdict.kind === 'park') {
      stillParked = verdict.error;
      await setLetter(tx, letter.id, 'parked', verdict.error);
    }
  }
  await foldEvents(tx, projection, events);
  await dropLetters(tx, done);
  return { streamId, applied: events.length, dropped: done.length - events.length, stillParked };
}
