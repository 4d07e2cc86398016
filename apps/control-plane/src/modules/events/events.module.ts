import { Module } from '@nestjs/common';
import { EventsResolver } from './events.resolver';
import { EventsSubscriptionResolver } from './events.subscription';

/** EventsModule serves the event log, the audit trail: the `events` query (pages) and the `events` subscription (live). */
@Module({
  providers: [EventsResolver, EventsSubscriptionResolver],
})
export class EventsModule {}
