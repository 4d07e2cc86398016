import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { newContext } from '../../../../common/command-context';
import { AppModel } from '../../app.model';
import { RemoveAppCommand } from './remove-app.command';

/** RemoveAppResolver turns the removeApp mutation into a RemoveAppCommand. */
@Resolver(() => AppModel)
export class RemoveAppResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => Boolean, { description: 'Remove an app; its containers are stopped and removed.' })
  async removeApp(@Args('name') name: string): Promise<boolean> {
    await this.commands.execute(new RemoveAppCommand(name, newContext('api')));
    return true;
  }
}
