import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { appResource, canonicalAppName, CLUSTER_RESOURCE, DomainError } from '@mammoth/domain';
import { ReadAllFilter } from '@mammoth/event-store';
import { MammothEvent, RecordedEvent } from '@mammoth/events';
import { DomainException } from '../../common/domain.exception';

@ObjectType('EventMetadata')
class EventMetadataModel {
  @Field() eventId: string;
  @Field() correlationId: string;
  @Field({ nullable: true }) causationId?: string;
  @Field() actor: string;
  @Field() timestamp: string;
}

@ObjectType('Event', { description: 'One committed event of the log, the audit trail.' })
export class EventModel {
  @Field({ description: 'Global position in the log (a 64-bit integer as a string).' }) position: string;
  @Field() streamId: string;
  @Field(() => Int) streamVersion: number;
  @Field() type: string;
  @Field(() => Int) schemaVersion: number;
  @Field(() => GraphQLJSON) data: unknown;
  @Field(() => EventMetadataModel) metadata: EventMetadataModel;
}

@InputType({ description: 'Narrows the log: by event types, app, node or stream.' })
export class EventFilterInput {
  @Field(() => [String], { nullable: true }) types?: string[];
  @Field({ nullable: true }) app?: string;
  @Field({ nullable: true }) node?: string;
  @Field({ nullable: true }) streamId?: string;
  @Field({ nullable: true, description: 'Who caused the events: a token subject (alice, node:n1) or a system loop.' })
  actor?: string;
}

/** eventsResource is what reading the log touches: the app filtered on, else the whole log (the cluster resource). */
export function eventsResource(args: { filter?: EventFilterInput | null }): string {
  return args.filter?.app ? appResource(args.filter.app) : CLUSTER_RESOURCE;
}

/** checkPosition refuses an `after` that is not a log position, naming the field. */
export function checkPosition(after: string): void {
  if (!/^\d{1,19}$/.test(after))
    throw new DomainException(DomainError.invalid('after', 'must be a log position (a non-negative integer)'));
}

/** toReadAllFilter turns the API's event filter into the event store's. */
export function toReadAllFilter(filter: EventFilterInput | undefined): ReadAllFilter {
  return {
    types: filter?.types,
    app: filter?.app ? canonicalAppName(filter.app) : undefined,
    actor: filter?.actor,
    node: filter?.node,
    streamIds: filter?.streamId ? [filter.streamId] : undefined,
  };
}

/** toEventModel renders a recorded event for the API. */
export function toEventModel(e: RecordedEvent<MammothEvent>): EventModel {
  return {
    position: e.position,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    type: e.event.type,
    schemaVersion: e.event.version,
    data: e.event.data,
    metadata: { ...e.metadata, causationId: e.metadata.causationId ?? undefined },
  };
}
