import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Public } from '@mammoth/platform';
import { NodeCredentialModel } from '../../identity.model';
import { JoinNodeCommand } from './join-node.command';

/** JoinNodeResolver turns a node daemon's joinNode mutation into a JoinNodeCommand; the join token is its credential. */
@Resolver(() => NodeCredentialModel)
export class JoinNodeResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => NodeCredentialModel, {
    description:
      'Enrol a node with a one-time join token (no bearer token needed): consumes the join token and returns the ' +
      "node's own credential (subject node:<id>), shown only here.",
  })
  @Public()
  joinNode(@Args('nodeId') nodeId: string, @Args('joinToken') joinToken: string): Promise<NodeCredentialModel> {
    return this.commands.execute(new JoinNodeCommand(nodeId, joinToken));
  }
}
