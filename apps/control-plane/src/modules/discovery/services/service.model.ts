import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Endpoint', { description: 'Where one running instance of an app answers.' })
export class EndpointModel {
  @Field() host: string;
  @Field(() => Int) port: number;
  @Field(() => ID) instanceId: string;
  @Field() nodeId: string;
  @Field({ description: 'The package version the instance runs.' }) version: string;
  @Field({
    description:
      'Whether it passes its health checks; until apps declare health checks, every running instance is healthy.',
  })
  healthy: boolean;
}

@ObjectType('Service', { description: 'An app as other apps and installers see it: is it running, and where.' })
export class ServiceModel {
  @Field() name: string;
  @Field(() => Int, { description: 'Desired instance count.' }) desired: number;
  @Field({ description: 'Whether at least one instance is running and healthy.' }) running: boolean;
  @Field(() => [String], {
    description: 'Package versions of its running instances (the deployed version when none runs).',
  })
  versions: string[];
  /** all is every running endpoint; the `endpoints` field narrows it by health. */
  all: EndpointModel[];
}
