import { Module } from '@nestjs/common';
import { LbConfigListener } from './lb-config/lb-config.listener';
import { LbConfigReader } from './lb-config/lb-config.reader';
import { LbConfigResolver } from './lb-config/lb-config.resolver';
import { ServiceReader } from './services/service.reader';
import { ServicesResolver } from './services/services.resolver';

/**
 * DiscoveryModule is how apps and companions that know nothing of Mammoth's internals find services: the registry's
 * service queries, and the load-balancer configuration as a query and a resumable subscription (graphql-ws).
 */
@Module({
  providers: [LbConfigListener, LbConfigReader, LbConfigResolver, ServiceReader, ServicesResolver],
})
export class DiscoveryModule {}
