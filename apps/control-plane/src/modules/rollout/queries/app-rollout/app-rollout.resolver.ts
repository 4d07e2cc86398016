import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { foldApp, initialAppState } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { newContext } from '../../../../common/command-context';
import { AggregateRepository } from '../../../../scheduling/aggregate-repository';
import { AppModel, RolloutModel } from '../../../apps/app.model';
import { fromState, rolloutModel } from '../../../apps/queries/apps/apps.resolver';
import { PromoteAppCommand } from '../../commands/promote-app/promote-app.command';
import { RollbackAppCommand } from '../../commands/rollback-app/rollback-app.command';
import { UpdateAppInput } from '../../rollout.inputs';
import { UpdateAppCommand } from '../../commands/update-app/update-app.command';

/** RolloutResolver turns rollout mutations into commands, and reads an app's rollout from its stream. */
@Resolver(() => AppModel)
export class RolloutResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly repo: AggregateRepository,
  ) {}

  @Mutation(() => AppModel, {
    description:
      'Roll an app out to another package version under maxSurge and maxUnavailable, optionally as a canary.',
  })
  async updateApp(@Args('input') input: UpdateAppInput): Promise<AppModel> {
    const canary = input.canary ? { instances: input.canary.instances, weight: input.canary.weight } : null;
    return fromState(await this.commands.execute(new UpdateAppCommand({ ...input, canary }, newContext('api'))));
  }

  @Mutation(() => AppModel, { description: 'Promote a canary: replace every remaining old-version instance.' })
  async promoteApp(@Args('name') name: string): Promise<AppModel> {
    return fromState(await this.commands.execute(new PromoteAppCommand(name, newContext('api'))));
  }

  @Mutation(() => AppModel, {
    description: 'Roll an app back to the version it ran before its last update, the same rolling way.',
  })
  async rollbackApp(@Args('name') name: string): Promise<AppModel> {
    return fromState(await this.commands.execute(new RollbackAppCommand(name, newContext('api'))));
  }

  @ResolveField(() => RolloutModel, { nullable: true })
  async rollout(@Parent() app: AppModel): Promise<RolloutModel | null> {
    if (app.rollout !== undefined) return app.rollout;
    const { state } = await this.repo.load(streamIds.app(app.name), initialAppState, foldApp);
    return rolloutModel(state);
  }
}
