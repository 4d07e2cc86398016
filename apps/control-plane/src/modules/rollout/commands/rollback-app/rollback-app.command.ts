import { Command } from '@nestjs/cqrs';
import { AppState } from '@mammoth/domain';
import { AppendContext } from '@mammoth/event-store';

/** RollbackAppCommand rolls an app back to its previous version, the same rolling way. */
export class RollbackAppCommand extends Command<AppState> {
  constructor(
    readonly name: string,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
