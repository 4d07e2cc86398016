import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { DomainError } from '@mammoth/domain';
import { PgEventStore } from '@mammoth/event-store';
import { Requires } from '@mammoth/platform';
import { DomainException } from '../../common/domain.exception';
import {
  checkPosition,
  EventFilterInput,
  EventModel,
  eventsResource,
  toEventModel,
  toReadAllFilter,
} from './event.model';

/** EventsResolver pages through the event log. */
@Resolver(() => EventModel)
export class EventsResolver {
  constructor(private readonly store: PgEventStore) {}

  @Query(() => [EventModel], { description: 'Events after a position, oldest first.' })
  @Requires('events:read', eventsResource)
  async events(
    @Args('after', { defaultValue: '0' }) after: string,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit: number,
    @Args('filter', { nullable: true }) filter?: EventFilterInput,
  ): Promise<EventModel[]> {
    checkPosition(after);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000)
      throw new DomainException(DomainError.invalid('limit', 'must be between 1 and 10000'));
    const events = await this.store.readAll(after, limit, toReadAllFilter(filter));
    return events.map(toEventModel);
  }
}
