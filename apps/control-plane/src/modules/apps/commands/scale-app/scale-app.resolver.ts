import { Args, Int, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { appResource, canonicalAppName } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { AppModel } from '../../app.model';
import { fromState } from '../../from-state';
import { ScaleAppCommand } from './scale-app.command';

/** ScaleAppResolver turns the scaleApp mutation into a ScaleAppCommand. */
@Resolver(() => AppModel)
export class ScaleAppResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => AppModel, { description: 'Change the desired instance count.' })
  @Requires('apps:scale', (a) => appResource(a.name))
  async scaleApp(
    @Caller() caller: Principal,
    @Args('name') name: string,
    @Args('instances', { type: () => Int }) instances: number,
  ): Promise<AppModel> {
    return fromState(
      await this.commands.execute(new ScaleAppCommand(canonicalAppName(name), instances, newContext(caller.subject))),
    );
  }
}
