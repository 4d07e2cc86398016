import { Args, Resolver, Subscription } from '@nestjs/graphql';
import { LogWatermark, PgEventStore } from '@mammoth/event-store';
import { Requires } from '@mammoth/platform';
import { abortable } from '../../common/abortable';
import { eventFeed } from './event-feed';
import {
  checkPosition,
  EventFilterInput,
  EventModel,
  eventsResource,
  toEventModel,
  toReadAllFilter,
} from './event.model';

/** EventsSubscriptionResolver streams the log over graphql-ws: everything after a position, then live, each event once and in order. */
@Resolver(() => EventModel)
export class EventsSubscriptionResolver {
  constructor(
    private readonly store: PgEventStore,
    private readonly watermark: LogWatermark,
  ) {}

  @Subscription(() => EventModel, {
    name: 'events',
    description:
      'Every event after `after` (a log position; "0" for the whole log) matching the filter, in position order, then each new one as it commits. To resume, pass the position of the last event received.',
    resolve: (e: EventModel) => e,
  })
  @Requires('events:read', eventsResource)
  eventsFeed(
    @Args('after', { defaultValue: '0' }) after: string,
    @Args('filter', { nullable: true }) filter?: EventFilterInput,
  ): AsyncIterableIterator<EventModel> {
    checkPosition(after);
    const f = toReadAllFilter(filter);
    const log = { read: (a: string, limit: number) => this.store.readAll(a, limit, f), watermark: this.watermark };
    return abortable(async function* (signal) {
      for await (const e of eventFeed(log, BigInt(after), signal)) yield toEventModel(e);
    });
  }
}
