import { parseEvent } from './catalog';
import { EventMetadataSchema, RecordedEvent } from './envelope';

/** WireMessage is a Kafka message as the bus adapter sends and receives it. */
export interface WireMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** WireFields are the fields of a message body, as the log stores them: the event's data not yet validated. */
export interface WireFields {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly position: string;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** wireValue is the message body of an event, valid or not: what fromWire reads back. */
export function wireValue(f: WireFields): string {
  const { streamId, streamVersion, position, type, version, data, metadata } = f;
  return JSON.stringify({ streamId, streamVersion, position, type, version, data, metadata });
}

/** toWire serialises a recorded event: keyed by stream id so a stream's events stay on one partition, in order. */
export function toWire(e: RecordedEvent): WireMessage {
  return {
    key: e.streamId,
    value: wireValue({ ...e, type: e.event.type, version: e.event.version, data: e.event.data }),
    headers: { 'mammoth-type': e.event.type, 'mammoth-event-id': e.metadata.eventId },
  };
}

/** fromWire parses and validates a message back into a recorded event, upcasting old schema versions. */
export function fromWire(value: string): RecordedEvent {
  const raw = JSON.parse(value) as Record<string, unknown>;
  const event = parseEvent(String(raw.type), Number(raw.version), raw.data);
  const metadata = EventMetadataSchema.parse(raw.metadata);
  if (typeof raw.streamId !== 'string' || typeof raw.streamVersion !== 'number' || typeof raw.position !== 'string') {
    throw new Error('message lacks streamId, streamVersion or position');
  }
  return { streamId: raw.streamId, streamVersion: raw.streamVersion, position: raw.position, event, metadata };
}
