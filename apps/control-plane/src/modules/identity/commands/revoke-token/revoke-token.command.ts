import { Command } from '@nestjs/cqrs';
import { AppendContext } from '@mammoth/event-store';

/** RevokeTokenCommand ends a token for good. */
export class RevokeTokenCommand extends Command<void> {
  constructor(
    readonly tokenId: string,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
