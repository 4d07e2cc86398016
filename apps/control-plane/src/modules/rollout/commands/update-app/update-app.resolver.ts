import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
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
  async updateApp(@Args('input') input: UpdateAppInput): Promise<AppModel> {
    const canary = input.canary ? { instances: input.canary.instances, weight: input.canary.weight } : null;
    return fromState(await this.commands.execute(new UpdateAppCommand({ ...input, canary }, newContext('api'))));
  }
}
