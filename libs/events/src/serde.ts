import { parseEvent } from './catalog';
import { EventMetadataSchema, RecordedEvent } from './envelope';

/** WireMessage is a Kafka message as the bus adapter sends and receives it. */
export interface WireMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** toWire serialises a recorded event: keyed by stream id so a stream's events stay on one partition, in order. */
export function toWire(e: RecordedEvent): WireMessage {
  return {
    key: e.streamId,
    value: JSON.stringify({
      streamId: e.streamId,
      streamVersion: e.streamVersion,
      position: e.position,
      type: e.event.type,
      version: e.event.version,
      data: e.event.data,
      metadata: e.metadata,
    }),
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
