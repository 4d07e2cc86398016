import { Args, Resolver, Subscription } from '@nestjs/graphql';
import { DomainError } from '@mammoth/domain';
import { PgEventStore, ReadAllFilter } from '@mammoth/event-store';
import { MammothEvent, RecordedEvent } from '@mammoth/events';
import { DomainException } from '../../common/domain.exception';
import { EventFilterInput, EventModel } from './events.resolver';
import { abortable } from '../../common/abortable';
import { LiveLog } from '../discovery/lb-config/live-log';
import { eventFeed } from './event-feed';

/** EventsSubscriptionResolver streams the log over graphql-ws: everything after a position, then live, each event once and in order. */
@Resolver(() => EventModel)
export class EventsSubscriptionResolver {
  constructor(
    private readonly store: PgEventStore,
    private readonly live: LiveLog,
  ) {}

  @Subscription(() => EventModel, {
    name: 'events',
    description:
      'Every event after `after` (a log position; "0" for the whole log) matching the filter, in position order, then each new one as it commits. To resume, pass the position of the last event received.',
    resolve: (e: EventModel) => e,
  })
  eventsFeed(
    @Args('after', { defaultValue: '0' }) after: string,
    @Args('filter', { nullable: true }) filter?: EventFilterInput,
  ): AsyncIterableIterator<EventModel> {
    if (!/^\d{1,19}$/.test(after))
      throw new DomainException(DomainError.invalid('after', 'must be a log position (a non-negative integer)'));
    const f: ReadAllFilter = {
      types: filter?.types,
      app: filter?.app,
      node: filter?.node,
      streamIds: filter?.streamId ? [filter.streamId] : undefined,
    };
    const log = { read: (a: string, limit: number) => this.store.readAll(a, limit, f), watermark: this.live.watermark };
    return abortable(async function* (signal) {
      for await (const e of eventFeed(log, BigInt(after), signal)) yield toEventModel(e);
    });
  }
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
