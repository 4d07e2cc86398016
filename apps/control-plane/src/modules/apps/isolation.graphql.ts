import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Isolation } from '@mammoth/events';

/** NetworkMode is the API's name for an app's network; the values are the domain's. */
export enum NetworkMode {
  BRIDGE = 'bridge',
  HOST = 'host',
}
registerEnumType(NetworkMode, {
  name: 'NetworkMode',
  description:
    "BRIDGE (default): the container has its own network on Mammoth's bridge, its port published on the node's " +
    "address; HOST: it shares the node's network (needs the capability apps:hostnetwork).",
});

/** isolationOf builds an app's isolation from the API's optional fields, or undefined when none was given. */
export function isolationOf(input: {
  network?: NetworkMode | null;
  user?: string | null;
  readOnlyRootFs?: boolean | null;
}): Isolation | undefined {
  if (input.network == null && input.user == null && input.readOnlyRootFs == null) return undefined;
  return {
    network: input.network ?? NetworkMode.BRIDGE,
    ...(input.user == null ? {} : { user: input.user }),
    ...(input.readOnlyRootFs == null ? {} : { readOnlyRootFs: input.readOnlyRootFs }),
  };
}

@ObjectType('Isolation', { description: "How an app's containers are confined." })
export class IsolationModel {
  @Field(() => NetworkMode) network: NetworkMode;
  @Field({ nullable: true }) user?: string;
  @Field({ nullable: true }) readOnlyRootFs?: boolean;
}

/** toIsolationModel is an isolation as the API shows it, or undefined for the defaults. */
export function toIsolationModel(isolation: Isolation | undefined): IsolationModel | undefined {
  return isolation && { ...isolation, network: isolation.network as NetworkMode };
}
