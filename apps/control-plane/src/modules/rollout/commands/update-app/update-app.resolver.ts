import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { appResource, canonicalAppName } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { AppModel } from '../../../apps/app.model';
import { fromState } from '../../../apps/from-state';
import { UpdateAppInput } from '../../rollout.inputs';
import { UpdateAppCommand } from './update-app.command';

/** UpdateAppResolver turns the updateApp mutation into an UpdateAppCommand. */
@Resolver(() => AppModel)
export class UpdateAppResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => AppModel, {
    description:
      'Roll an app out to another package version under maxSurge and maxUnavailable, optionally as a canary.',
  })
  @Requires('apps:update', (a) => appResource(a.input.name))
  async updateApp(@Caller() caller: Principal, @Args('input') input: UpdateAppInput): Promise<AppModel> {
    const canary = input.canary ? { instances: input.canary.instances, weight: input.canary.weight } : null;
    return fromState(
      await this.commands.execute(
        new UpdateAppCommand({ ...input, name: canonicalAppName(input.name), canary }, newContext(caller.subject)),
      ),
    );
  }
}
