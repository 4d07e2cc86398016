import { Command } from '@nestjs/cqrs';
import { ReportInstance } from '@mammoth/domain';
import { AppendContext } from '@mammoth/event-store';

/** ReportInstancesCommand carries a batch of a node daemon's instance reports. */
export class ReportInstancesCommand extends Command<number> {
  constructor(
    readonly reports: ReportInstance[],
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
