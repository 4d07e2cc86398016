import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { AppState } from '@mammoth/domain';
import { newContext } from '../../../../common/command-context';
import { AppModel, restartPolicyModel, RolloutModel, toConstraintModel } from '../../app.model';
import { toHealthCheckModel } from '../../health-check.graphql';
import { DeployAppInput } from '../../app.inputs';
import { DeployAppCommand } from '../../commands/deploy-app/deploy-app.command';
import { RegistryReader } from './registry-reader';
import { RemoveAppCommand } from '../../commands/remove-app/remove-app.command';
import { ScaleAppCommand } from '../../commands/scale-app/scale-app.command';

/** AppsResolver turns app mutations into commands and serves app queries from the registry read model. */
@Resolver(() => AppModel)
export class AppsResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly registry: RegistryReader,
  ) {}

  @Query(() => [AppModel], { description: 'Every app that is not removed, from the registry read model.' })
  apps(): Promise<AppModel[]> {
    return this.registry.apps();
  }

  @Query(() => AppModel, { nullable: true, description: 'One app by name, from the registry read model.' })
  app(@Args('name') name: string): Promise<AppModel | null> {
    return this.registry.app(name);
  }

  @Mutation(() => AppModel, { description: 'Deploy a package as an app; its instances are placed in the same commit.' })
  async deployApp(@Args('input') input: DeployAppInput): Promise<AppModel> {
    const env = Object.fromEntries((input.env ?? []).map((e) => [e.name, e.value]));
    const state = await this.commands.execute(
      new DeployAppCommand(
        {
          ...input,
          cpuMillis: Math.round(input.cpus * 1000),
          memoryMiB: input.memoryMiB,
          diskMiB: input.diskMiB ?? 0,
          env,
          strategy: input.strategy,
          constraints: input.constraints?.map((c) => ({
            kind: c.kind,
            key: c.key,
            op: c.op,
            values: c.values,
            max: c.max,
          })),
          healthCheck: input.healthCheck && { ...input.healthCheck },
          maxRestarts: input.maxRestarts,
          restartWindowMs: input.restartWindowMs,
        },
        newContext('api'),
      ),
    );
    return fromState(state);
  }

  @Mutation(() => AppModel, { description: 'Change the desired instance count.' })
  async scaleApp(
    @Args('name') name: string,
    @Args('instances', { type: () => Int }) instances: number,
  ): Promise<AppModel> {
    return fromState(await this.commands.execute(new ScaleAppCommand(name, instances, newContext('api'))));
  }

  @Mutation(() => Boolean, { description: 'Remove an app; its containers are stopped and removed.' })
  async removeApp(@Args('name') name: string): Promise<boolean> {
    await this.commands.execute(new RemoveAppCommand(name, newContext('api')));
    return true;
  }
}

/** fromState renders a command's resulting app state (the write side's answer; queries read the registry). */
export function fromState(state: AppState): AppModel {
  if (state.status === 'none') throw new Error('app state missing after command');
  const { spec } = state;
  const rejections: { reason: string; nodes: number }[] = state.pending ? JSON.parse(state.pending.reasons) : [];
  return {
    name: spec.name,
    status: state.status === 'removed' ? 'removed' : 'deployed',
    package: {
      name: spec.package.name,
      version: spec.package.version,
      digest: spec.package.digest,
      imageRef: spec.package.imageRef,
    },
    desired: spec.instances,
    running: 0,
    healthy: 0,
    cpus: spec.resources.cpuMillis / 1000,
    memoryMiB: spec.resources.memoryMiB,
    diskMiB: spec.resources.diskMiB,
    strategy: spec.strategy,
    constraints: spec.constraints.map(toConstraintModel),
    healthCheck: toHealthCheckModel(spec.healthCheck),
    ...restartPolicyModel(spec),
    pending: {
      count: state.pending?.count ?? 0,
      reasons: rejections.map((r) => `${r.nodes} node${r.nodes === 1 ? '' : 's'}: ${r.reason}`),
      rejections,
    },
    rollout: rolloutModel(state),
    instances: [...state.live.values()].map((i) => ({
      id: i.instanceId,
      app: spec.name,
      nodeId: i.nodeId,
      host: i.host,
      port: i.port,
      desired: 'run',
      state: 'placed',
      health: 'unknown',
      restarts: 0,
    })),
  };
}

/** rolloutModel renders an app's rollout in progress, or null. */
export function rolloutModel(state: AppState): RolloutModel | null {
  if (state.status !== 'active' || !state.rollout) return null;
  const r = state.rollout;
  return {
    from: r.from.version,
    to: r.to.version,
    phase: r.canary ? 'canary' : r.kind === 'rollback' ? 'rollback' : 'rolling',
    canaryWeight: r.canary?.weight ?? null,
  };
}
