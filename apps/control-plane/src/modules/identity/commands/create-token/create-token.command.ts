import { Command } from '@nestjs/cqrs';
import { AppendContext } from '@mammoth/event-store';
import { CreatedTokenModel } from '../../identity.model';

/** CreateTokenCommand asks for a new token for a subject with the given policies, expiring after ttlMs when given. */
export class CreateTokenCommand extends Command<CreatedTokenModel> {
  constructor(
    readonly input: { subject: string; policies: string[]; ttlMs: number | null },
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
