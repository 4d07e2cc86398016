import { Args, Float, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { LabelInput } from '../../../nodes/node.inputs';
import { CreatedJoinTokenModel } from '../../identity.model';
import { CreateJoinTokenCommand } from './create-join-token.command';

/** CreateJoinTokenResolver turns the createJoinToken mutation into a CreateJoinTokenCommand. */
@Resolver(() => CreatedJoinTokenModel)
export class CreateJoinTokenResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => CreatedJoinTokenModel, {
    description: 'Create a one-time node join token living ttlMs (up to 30 days); the secret is shown only here.',
  })
  @Requires('tokens:create')
  createJoinToken(
    @Caller() caller: Principal,
    @Args('ttlMs', { type: () => Float }) ttlMs: number,
    @Args('labels', { type: () => [LabelInput], nullable: true }) labels?: LabelInput[],
  ): Promise<CreatedJoinTokenModel> {
    const byKey = Object.fromEntries((labels ?? []).map((l) => [l.key, l.value]));
    return this.commands.execute(new CreateJoinTokenCommand(ttlMs, byKey, newContext(caller.subject)));
  }
}
