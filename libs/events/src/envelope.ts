import { z } from 'zod';

/** EventMetadata travels with every event: who caused it, through which command, and when. */
export const EventMetadataSchema = z.object({
  eventId: z.string().uuid(),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  actor: z.string().min(1),
  timestamp: z.string().datetime(),
});
export type EventMetadata = z.infer<typeof EventMetadataSchema>;

/** DomainEvent is plain readonly data with an explicit, stable type string and schema version. */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly version: number;
  readonly data: D;
}

/** RecordedEvent is a DomainEvent as committed to the log: with its stream, version, global position and metadata. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly position: string;
  readonly event: E;
  readonly metadata: EventMetadata;
}

/** CommandContext carries what a command brings in from outside the domain: time, ids and the actor. */
export interface CommandContext {
  readonly now: string;
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId?: string | null;
}
