import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { appResource, canonicalAppName } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { AppModel } from '../../app.model';
import { RemoveAppCommand } from './remove-app.command';

/** RemoveAppResolver turns the removeApp mutation into a RemoveAppCommand. */
@Resolver(() => AppModel)
export class RemoveAppResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => Boolean, { description: 'Remove an app; its containers are stopped and removed.' })
  @Requires('apps:remove', (a) => appResource(a.name))
  async removeApp(@Caller() caller: Principal, @Args('name') name: string): Promise<boolean> {
    await this.commands.execute(new RemoveAppCommand(canonicalAppName(name), newContext(caller.subject)));
    return true;
  }
}
