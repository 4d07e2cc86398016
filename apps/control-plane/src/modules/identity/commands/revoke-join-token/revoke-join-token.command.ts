import { Command } from '@nestjs/cqrs';
import { AppendContext } from '@mammoth/event-store';

/** RevokeJoinTokenCommand ends an unused join token for good. */
export class RevokeJoinTokenCommand extends Command<void> {
  constructor(
    readonly tokenId: string,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
