import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { appResource, canonicalAppName } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { AccessException } from '../../../../common/access/access.exception';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { DeployAppInput } from '../../app.inputs';
import { AppModel } from '../../app.model';
import { fromState } from '../../from-state';
import { isolationOf } from '../../isolation.graphql';
import { DeployAppCommand } from './deploy-app.command';

/** DeployAppResolver turns the deployApp mutation into a DeployAppCommand. */
@Resolver(() => AppModel)
export class DeployAppResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => AppModel, {
    description:
      'Deploy a package as an app; its instances are placed in the same commit. network: HOST needs apps:hostnetwork.',
  })
  @Requires('apps:deploy', (a) => appResource(a.input.name))
  async deployApp(@Caller() caller: Principal, @Args('input') input: DeployAppInput): Promise<AppModel> {
    const isolation = isolationOf(input);
    const resource = appResource(input.name);
    if (isolation?.network === 'host' && !caller.allows('apps:hostnetwork', resource))
      throw AccessException.forbidden(caller.subject, 'apps:hostnetwork', resource, 'network: HOST');
    const env = Object.fromEntries((input.env ?? []).map((e) => [e.name, e.value]));
    const state = await this.commands.execute(
      new DeployAppCommand(
        {
          ...input,
          name: canonicalAppName(input.name),
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
          isolation,
        },
        newContext(caller.subject),
      ),
    );
    return fromState(state);
  }
}
