import { MammothEvent, RecordedEvent } from '@mammoth/events';

/** FeedLog is what the event feed reads: pages of the (filtered) log after a position, and the log's safe position. */
export interface FeedLog {
  read(after: string, limit: number): Promise<RecordedEvent<MammothEvent>[]>;
  readonly watermark: { readonly position: bigint; changed(timeoutMs: number, signal?: AbortSignal): Promise<void> };
}

/**
 * eventFeed yields every event after `after` in position order, first from the log as it is, then live as it grows, never past
 * the log's safe position (every position up to it is final), so each event comes exactly once and a lower position that
 * commits late is waited for instead of skipped. The position of the last event a client saw is all it needs to resume.
 */
export async function* eventFeed(
  log: FeedLog,
  after: bigint,
  signal: AbortSignal,
  pageSize = 500,
): AsyncGenerator<RecordedEvent<MammothEvent>> {
  let cursor = after;
  while (!signal.aborted) {
    const safe = log.watermark.position;
    if (cursor >= safe) {
      await log.watermark.changed(1000, signal);
      continue;
    }
    const page = await log.read(cursor.toString(), pageSize);
    let cut = false;
    for (const e of page) {
      if (BigInt(e.position) > safe) {
        cut = true;
        break;
      }
      if (signal.aborted) return;
      yield e;
      cursor = BigInt(e.position);
    }
    // Every matching event up to `safe` has been read when the page ran past it or was not full.
    if (cut || page.length < pageSize) cursor = safe;
  }
}
