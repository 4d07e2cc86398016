import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('LbServer', { description: 'One endpoint of an upstream, with its load-balancing weight.' })
export class LbServerModel {
  @Field() host: string;
  @Field(() => Int) port: number;
  @Field(() => Int, { description: 'Relative share of requests (1 unless a canary sets it).' }) weight: number;
}

@ObjectType('LbUpstream', { description: "One app's routable endpoints; none means the app answers 503." })
export class LbUpstreamModel {
  @Field() app: string;
  @Field(() => [LbServerModel]) servers: LbServerModel[];
}

@ObjectType('LbConfig', {
  description: 'One version of the load-balancer configuration, rendered for nginx from the lb-config read model.',
})
export class LbConfigModel {
  @Field(() => Int, {
    description: 'Grows by one with every change of the rendered configuration; the same after a rebuild.',
  })
  version: number;
  @Field({ description: 'sha256 of `config`, as sha256:<hex>.' }) hash: string;
  @Field({
    description:
      'nginx configuration to include in its http block; each companion supplies the `listen` files it includes.',
  })
  config: string;
  @Field(() => [LbUpstreamModel]) upstreams: LbUpstreamModel[];
  @Field({ description: 'Timestamp of the event that produced this version.' }) renderedAt: string;
  @Field({ description: 'Log position of that event.' }) position: string;
}
