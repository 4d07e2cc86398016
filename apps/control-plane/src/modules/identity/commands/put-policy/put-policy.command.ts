import { Command } from '@nestjs/cqrs';
import { PolicyRule } from '@mammoth/events';
import { AppendContext } from '@mammoth/event-store';

/** PutPolicyCommand creates or replaces a named policy. */
export class PutPolicyCommand extends Command<void> {
  constructor(
    readonly name: string,
    readonly rules: PolicyRule[],
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
