import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { foldApp, initialAppState } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { AggregateRepository } from '../../../../scheduling/aggregate-repository';
import { AppModel, RolloutModel } from '../../../apps/app.model';
import { rolloutModel } from '../../../apps/from-state';

/** AppRolloutResolver reads an app's rollout in progress from its stream (App.rollout). */
@Resolver(() => AppModel)
export class AppRolloutResolver {
  constructor(private readonly repo: AggregateRepository) {}

  @ResolveField(() => RolloutModel, { nullable: true })
  async rollout(@Parent() app: AppModel): Promise<RolloutModel | null> {
    if (app.rollout !== undefined) return app.rollout;
    const { state } = await this.repo.load(streamIds.app(app.name), initialAppState, foldApp);
    return rolloutModel(state);
  }
}
