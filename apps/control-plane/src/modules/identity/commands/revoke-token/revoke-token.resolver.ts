import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { TokenModel } from '../../identity.model';
import { RevokeTokenCommand } from './revoke-token.command';

/** RevokeTokenResolver turns the revokeToken mutation into a RevokeTokenCommand. */
@Resolver(() => TokenModel)
export class RevokeTokenResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => Boolean, { description: 'Revoke a token by id; calls presenting it are refused from then on.' })
  @Requires('tokens:revoke')
  async revokeToken(@Caller() caller: Principal, @Args('id') id: string): Promise<boolean> {
    await this.commands.execute(new RevokeTokenCommand(id, newContext(caller.subject)));
    return true;
  }
}
