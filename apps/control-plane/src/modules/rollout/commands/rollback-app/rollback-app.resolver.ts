import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { appResource, canonicalAppName } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { AppModel } from '../../../apps/app.model';
import { fromState } from '../../../apps/from-state';
import { RollbackAppCommand } from './rollback-app.command';

/** RollbackAppResolver turns the rollbackApp mutation into a RollbackAppCommand. */
@Resolver(() => AppModel)
export class RollbackAppResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => AppModel, {
    description: 'Roll an app back to the version it ran before its last update, the same rolling way.',
  })
  @Requires('apps:update', (a) => appResource(a.name))
  async rollbackApp(@Caller() caller: Principal, @Args('name') name: string): Promise<AppModel> {
    return fromState(
      await this.commands.execute(new RollbackAppCommand(canonicalAppName(name), newContext(caller.subject))),
    );
  }
}
