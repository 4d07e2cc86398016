import { Args, Query, Resolver } from '@nestjs/graphql';
import { AppModel } from '../../app.model';
import { RegistryReader } from './registry-reader';

/** AppsResolver serves the app queries from the registry read model. */
@Resolver(() => AppModel)
export class AppsResolver {
  constructor(private readonly registry: RegistryReader) {}

  @Query(() => [AppModel], { description: 'Every app that is not removed, from the registry read model.' })
  apps(): Promise<AppModel[]> {
    return this.registry.apps();
  }

  @Query(() => AppModel, { nullable: true, description: 'One app by name, from the registry read model.' })
  app(@Args('name') name: string): Promise<AppModel | null> {
    return this.registry.app(name);
  }
}
