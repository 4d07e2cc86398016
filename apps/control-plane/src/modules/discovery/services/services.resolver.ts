import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { appResource, canonicalAppName } from '@mammoth/domain';
import { ANY_RESOURCE, Requires } from '@mammoth/platform';
import { Caller } from '../../../common/access/caller.decorator';
import { Principal } from '../../../common/access/principal';
import { selectEndpoints } from './endpoints';
import { EndpointModel, ServiceModel } from './service.model';
import { ServiceReader } from './service.reader';

/** ServicesResolver is the registry's answer to "is there a running app named X, and where", for installers and other apps. */
@Resolver(() => ServiceModel)
export class ServicesResolver {
  constructor(private readonly reader: ServiceReader) {}

  @Query(() => ServiceModel, {
    nullable: true,
    description:
      'An app by name with its running endpoints and versions; null if there is no such app (or it was removed).',
  })
  @Requires('apps:read', (a) => appResource(a.name))
  async service(@Args('name') name: string): Promise<ServiceModel | null> {
    return (await this.reader.services([canonicalAppName(name)]))[0] ?? null;
  }

  @Query(() => [ServiceModel], {
    description: 'Every app that is not removed, by name, with its running endpoints and versions.',
  })
  @Requires('apps:read', ANY_RESOURCE)
  async services(
    @Caller() caller: Principal,
    @Args('names', { type: () => [String], nullable: true }) names?: string[],
  ): Promise<ServiceModel[]> {
    const all = await this.reader.services(names?.map(canonicalAppName));
    return all.filter((s) => caller.allows('apps:read', appResource(s.name)));
  }

  @ResolveField(() => [EndpointModel], {
    description:
      'Running endpoints, by host and port; `healthy` narrows them (default true: only healthy ones; null: all).',
  })
  endpoints(
    @Parent() service: ServiceModel,
    @Args('healthy', { type: () => Boolean, nullable: true, defaultValue: true }) healthy: boolean | null,
  ): EndpointModel[] {
    return selectEndpoints(service.all, healthy);
  }
}
