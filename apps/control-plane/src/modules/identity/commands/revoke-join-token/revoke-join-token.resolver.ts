import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { JoinTokenModel } from '../../identity.model';
import { RevokeJoinTokenCommand } from './revoke-join-token.command';

/** RevokeJoinTokenResolver turns the revokeJoinToken mutation into a RevokeJoinTokenCommand. */
@Resolver(() => JoinTokenModel)
export class RevokeJoinTokenResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => Boolean, {
    description: 'Revoke an unused join token by id (a used one: revoke the credential its node got).',
  })
  @Requires('tokens:revoke')
  async revokeJoinToken(@Caller() caller: Principal, @Args('id') id: string): Promise<boolean> {
    await this.commands.execute(new RevokeJoinTokenCommand(id, newContext(caller.subject)));
    return true;
  }
}
