import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { appResource, canonicalAppName } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { AppModel } from '../../../apps/app.model';
import { fromState } from '../../../apps/from-state';
import { PromoteAppCommand } from './promote-app.command';

/** PromoteAppResolver turns the promoteApp mutation into a PromoteAppCommand. */
@Resolver(() => AppModel)
export class PromoteAppResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => AppModel, { description: 'Promote a canary: replace every remaining old-version instance.' })
  @Requires('apps:update', (a) => appResource(a.name))
  async promoteApp(@Caller() caller: Principal, @Args('name') name: string): Promise<AppModel> {
    return fromState(
      await this.commands.execute(new PromoteAppCommand(canonicalAppName(name), newContext(caller.subject))),
    );
  }
}
