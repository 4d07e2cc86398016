import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { PolicyModel, PolicyRuleInput } from '../../identity.model';
import { PutPolicyCommand } from './put-policy.command';

/** PutPolicyResolver turns the putPolicy mutation into a PutPolicyCommand. */
@Resolver(() => PolicyModel)
export class PutPolicyResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => PolicyModel, {
    description: 'Create or replace a policy, e.g. rules: [{capabilities: ["apps:*"], resources: ["team-a/*"]}].',
  })
  @Requires('policies:put')
  async putPolicy(
    @Caller() caller: Principal,
    @Args('name') name: string,
    @Args('rules', { type: () => [PolicyRuleInput] }) rules: PolicyRuleInput[],
  ): Promise<PolicyModel> {
    const plain = rules.map((r) => ({ capabilities: [...r.capabilities], resources: [...r.resources] }));
    await this.commands.execute(new PutPolicyCommand(name, plain, newContext(caller.subject)));
    return { name, rules: plain, builtin: false };
  }
}
