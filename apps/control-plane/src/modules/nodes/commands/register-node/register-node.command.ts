import { Command } from '@nestjs/cqrs';
import { NodeInfo } from '@mammoth/domain';
import { AppendContext } from '@mammoth/event-store';

/** RegisterNodeCommand records a machine joining the cluster (or re-joining with new facts). */
export class RegisterNodeCommand extends Command<{ nodeId: string; changed: boolean }> {
  constructor(
    readonly info: NodeInfo,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
