import { Module } from '@nestjs/common';
import { EventsSubscriptionResolver } from '../events/events.subscription';
import { LbConfigReader } from './lb-config/lb-config.reader';
import { LbConfigResolver } from './lb-config/lb-config.resolver';
import { LiveLog } from './lb-config/live-log';
import { ServiceReader } from './services/service.reader';
import { ServicesResolver } from './services/services.resolver';

/**
 * InteractionModule is how apps and companions that know nothing of Mammoth's internals follow it: the registry's service
 * queries, the load-balancer configuration, and resumable subscriptions (graphql-ws) to the event log and the lb-config.
 */
@Module({
  providers: [LiveLog, EventsSubscriptionResolver, LbConfigReader, LbConfigResolver, ServiceReader, ServicesResolver],
})
export class InteractionModule {}
