import { Command } from '@nestjs/cqrs';
import { AppendContext } from '@mammoth/event-store';

/** DeletePolicyCommand removes a named policy. */
export class DeletePolicyCommand extends Command<void> {
  constructor(
    readonly name: string,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
