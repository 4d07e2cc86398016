import { randomUUID } from 'node:crypto';
import { EventOfType, EventType, makeEvent, RecordedEvent } from '@mammoth/events';

/** recorded builds a RecordedEvent as the log would hold it, validated against the catalogue. */
export function recorded<T extends EventType>(
  type: T,
  data: EventOfType<T>['data'],
  at: string,
  stream: { id: string; version: number } = { id: 'x-test', version: 1 },
): RecordedEvent<EventOfType<T>> {
  return {
    streamId: stream.id,
    streamVersion: stream.version,
    position: '1',
    event: makeEvent(type, data),
    metadata: { eventId: randomUUID(), correlationId: 'test', causationId: null, actor: 'test', timestamp: at },
  };
}

/** fold applies events in order to a table model's evolve, starting from no row. */
export function fold<Row, E>(
  evolve: (row: Row | null, e: E) => Row | null,
  events: readonly E[],
  from: Row | null = null,
): Row | null {
  return events.reduce<Row | null>((row, e) => evolve(row, e), from);
}

/** at returns the ISO time `seconds` after a fixed epoch, so tests never read the clock. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString();
}

/** DIGEST is a well-formed package digest for tests. */
export const DIGEST = `sha256:${'ab'.repeat(32)}`;
