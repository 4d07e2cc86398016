import { Command } from '@nestjs/cqrs';
import { AppState } from '@mammoth/domain';
import { AppendContext } from '@mammoth/event-store';

/** ScaleAppCommand changes an app's desired instance count. */
export class ScaleAppCommand extends Command<AppState> {
  constructor(
    readonly name: string,
    readonly instances: number,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
