import { Command } from '@nestjs/cqrs';
import { AppState } from '@mammoth/domain';
import { AppendContext } from '@mammoth/event-store';

/** RemoveAppCommand retires an app and stops all its instances. */
export class RemoveAppCommand extends Command<AppState> {
  constructor(
    readonly name: string,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
