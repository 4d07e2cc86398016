import { Args, Field, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { DomainError } from '@mammoth/domain';
import { DomainException } from '../../common/domain.exception';
import { PgEventStore, ReadAllFilter } from '@mammoth/event-store';

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
}

/** EventsResolver pages through the event log. */
@Resolver(() => EventModel)
export class EventsResolver {
  constructor(private readonly store: PgEventStore) {}

  @Query(() => [EventModel], { description: 'Events after a position, oldest first.' })
  async events(
    @Args('after', { defaultValue: '0' }) after: string,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit: number,
    @Args('filter', { nullable: true }) filter?: EventFilterInput,
  ): Promise<EventModel[]> {
    if (!/^\d{1,19}$/.test(after))
      throw new DomainException(DomainError.invalid('after', 'must be a log position (a non-negative integer)'));
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000)
      throw new DomainException(DomainError.invalid('limit', 'must be between 1 and 10000'));
    const f: ReadAllFilter = {
      types: filter?.types,
      app: filter?.app,
      node: filter?.node,
      streamIds: filter?.streamId ? [filter.streamId] : undefined,
    };
    const events = await this.store.readAll(after, limit, f);
    return events.map((e) => ({
      position: e.position,
      streamId: e.streamId,
      streamVersion: e.streamVersion,
      type: e.event.type,
      schemaVersion: e.event.version,
      data: e.event.data,
      metadata: { ...e.metadata, causationId: e.metadata.causationId ?? undefined },
    }));
  }
}
