import { Pool } from 'pg';
import { BusBatch } from '@mammoth/events';
import { foldEvents, streamVersions } from './apply-events';
import { blockedStreams, park } from './dead-letters';
import { fingerprint, forgetOffset, saveOffset, StoredOffset, storedOffset } from './offsets';
import { Projection } from './projection';
import { decodeMessage, Letter, sortOut, StreamGate } from './stream-gate';
import { lockProjection, withTransaction } from './tx';

/** ParkedNow is a message a batch parked: which stream it blocks, where it came from and why. */
export interface ParkedNow {
  readonly streamId: string;
  readonly source: string;
  readonly error: string;
}

/**
 * BatchOutcome counts what one batch did. `gap` means the batch started past the stored offset and nothing was applied;
 * `recreated` says why the partition is not the one the stored offset was read in (its offset was dropped).
 */
export interface BatchOutcome {
  applied: number;
  duplicates: number;
  parked: ParkedNow[];
  waiting: number;
  alreadySeen: number;
  gap: boolean;
  recreated: string | null;
}

/** rebuildHint tells an operator how to recover a stream whose history Kafka no longer has. */
export const rebuildHint = (projection: string): string =>
  `Kafka lost history; run \`rebuild ${projection} --from store\``;

/**
 * applyBatch folds one Kafka batch into the projection in ONE transaction: it skips offsets already stored, drops events
 * whose stream version was already applied, parks what it cannot read (and the rest of that stream behind it, see
 * StreamGate), applies the rest and stores the next offset with its anchor, so redelivery and relay duplicates change
 * nothing. A batch that begins after the stored offset (the consumer is ahead of PostgreSQL, e.g. after another process
 * rebuilt) is refused with `gap`; a partition whose end or anchor message differs from what was stored (the topic was
 * deleted and created again) is refused with `recreated`; in both cases the caller re-seeks instead of skipping events.
 */
export function applyBatch(pool: Pool, projection: Projection, batch: BusBatch): Promise<BatchOutcome> {
  const outcome: BatchOutcome = {
    applied: 0,
    duplicates: 0,
    parked: [],
    waiting: 0,
    alreadySeen: 0,
    gap: false,
    recreated: null,
  };
  if (batch.messages.length === 0) return Promise.resolve(outcome);
  return withTransaction(pool, async (tx) => {
    await lockProjection(tx, projection.name);
    const stored = await storedOffset(tx, projection.name, batch.topic, batch.partition);
    const recreated = changedTopic(batch, stored);
    if (recreated) {
      await forgetOffset(tx, projection.name, batch.topic, batch.partition);
      return { ...outcome, recreated };
    }
    const fresh = batch.messages.filter((m) => BigInt(m.offset) >= stored.next);
    outcome.alreadySeen = batch.messages.length - fresh.length;
    if (fresh.length === 0) return outcome;
    if (BigInt(fresh[0].offset) > stored.next) return { ...outcome, gap: true };

    const decoded = fresh.map((m) => decodeMessage(m.value, m.key, `${batch.topic}/${batch.partition}@${m.offset}`));
    const streams = [...new Set(decoded.map((d) => d.streamId))];
    const gate = new StreamGate(
      await streamVersions(tx, projection.name, streams),
      await blockedStreams(tx, projection.name, streams),
      rebuildHint(projection.name),
    );
    const sorted = sortOut(gate, decoded);
    await foldEvents(tx, projection, sorted.events);
    await park(tx, projection.name, sorted.letters);
    outcome.applied = sorted.events.length;
    outcome.duplicates = sorted.duplicates;
    outcome.parked = parkedOf(sorted.letters);
    outcome.waiting = sorted.letters.length - outcome.parked.length;
    const last = fresh[fresh.length - 1];
    await saveOffset(tx, projection.name, batch.topic, batch.partition, {
      next: BigInt(last.offset) + 1n,
      anchor: fingerprint(last.value),
    });
    return outcome;
  });
}

/** changedTopic says why a batch cannot come from the partition the stored offset was read in, or null when it can. */
export function changedTopic(batch: BusBatch, stored: StoredOffset): string | null {
  if (stored.next === 0n) return null;
  if (batch.highWatermark !== undefined && BigInt(batch.highWatermark) < stored.next)
    return `it ends at offset ${batch.highWatermark}, before the stored offset ${stored.next}`;
  const before = batch.messages.find((m) => BigInt(m.offset) === stored.next - 1n);
  if (stored.anchor && before && fingerprint(before.value) !== stored.anchor)
    return `the message at offset ${stored.next - 1n} is not the one read there`;
  return null;
}

/** parkedOf lists the letters that were parked (not those waiting behind them), for the log. */
export function parkedOf(letters: readonly Letter[]): ParkedNow[] {
  return letters
    .filter((l) => l.status === 'parked')
    .map((l) => ({ streamId: l.decoded.streamId, source: l.decoded.source, error: l.error }));
}
