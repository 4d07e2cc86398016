import { Args, Float, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { CreatedTokenModel } from '../../identity.model';
import { CreateTokenCommand } from './create-token.command';

/** CreateTokenResolver turns the createToken mutation into a CreateTokenCommand. */
@Resolver(() => CreatedTokenModel)
export class CreateTokenResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => CreatedTokenModel, {
    description: 'Create a token for a subject with policies (and a lifetime in ms); the secret is shown only here.',
  })
  @Requires('tokens:create')
  createToken(
    @Caller() caller: Principal,
    @Args('subject') subject: string,
    @Args('policies', { type: () => [String] }) policies: string[],
    @Args('ttlMs', { type: () => Float, nullable: true }) ttlMs?: number,
  ): Promise<CreatedTokenModel> {
    return this.commands.execute(
      new CreateTokenCommand({ subject, policies, ttlMs: ttlMs ?? null }, newContext(caller.subject)),
    );
  }
}
