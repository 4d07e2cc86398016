import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { PolicyModel } from '../../identity.model';
import { DeletePolicyCommand } from './delete-policy.command';

/** DeletePolicyResolver turns the deletePolicy mutation into a DeletePolicyCommand. */
@Resolver(() => PolicyModel)
export class DeletePolicyResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => Boolean, { description: 'Delete a policy (not a built-in one).' })
  @Requires('policies:delete')
  async deletePolicy(@Caller() caller: Principal, @Args('name') name: string): Promise<boolean> {
    await this.commands.execute(new DeletePolicyCommand(name, newContext(caller.subject)));
    return true;
  }
}
