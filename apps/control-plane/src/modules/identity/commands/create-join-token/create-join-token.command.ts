import { Command } from '@nestjs/cqrs';
import { AppendContext } from '@mammoth/event-store';
import { CreatedJoinTokenModel } from '../../identity.model';

/** CreateJoinTokenCommand makes a one-time join token that lives `ttlMs` and gives its node `labels`. */
export class CreateJoinTokenCommand extends Command<CreatedJoinTokenModel> {
  constructor(
    readonly ttlMs: number,
    readonly labels: Readonly<Record<string, string>>,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
