import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { appResource, canonicalAppName, splitAppName } from '@mammoth/domain';
import { ANY_RESOURCE, Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { AppModel } from '../../app.model';
import { RegistryReader } from './registry-reader';

/** AppsResolver serves the app queries from the registry read model. */
@Resolver(() => AppModel)
export class AppsResolver {
  constructor(private readonly registry: RegistryReader) {}

  @Query(() => [AppModel], {
    description:
      'Every app that is not removed and the caller may read (of one namespace when given), from the registry.',
  })
  @Requires('apps:read', ANY_RESOURCE)
  async apps(
    @Caller() caller: Principal,
    @Args('namespace', { nullable: true }) namespace?: string,
  ): Promise<AppModel[]> {
    const all = await this.registry.apps();
    return all.filter(
      (a) =>
        (namespace === undefined || splitAppName(a.name).namespace === namespace) &&
        caller.allows('apps:read', appResource(a.name)),
    );
  }

  @Query(() => AppModel, { nullable: true, description: 'One app by name, from the registry read model.' })
  @Requires('apps:read', (a) => appResource(a.name))
  app(@Args('name') name: string): Promise<AppModel | null> {
    return this.registry.app(canonicalAppName(name));
  }

  @ResolveField(() => String, { description: 'The namespace the app lives in (default for a name without one).' })
  namespace(@Parent() app: AppModel): string {
    return splitAppName(app.name).namespace;
  }
}
