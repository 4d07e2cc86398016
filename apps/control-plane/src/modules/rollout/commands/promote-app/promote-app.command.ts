import { Command } from '@nestjs/cqrs';
import { AppState } from '@mammoth/domain';
import { AppendContext } from '@mammoth/event-store';

/** PromoteAppCommand lets a canary rollout replace every remaining old instance. */
export class PromoteAppCommand extends Command<AppState> {
  constructor(
    readonly name: string,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
