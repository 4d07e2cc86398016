import { Command } from '@nestjs/cqrs';
import { AppState } from '@mammoth/domain';
import { AppendContext } from '@mammoth/event-store';

/** UpdateAppCommand starts a rolling update (or a canary) of an app to another version of its package. */
export class UpdateAppCommand extends Command<AppState> {
  constructor(
    readonly input: {
      name: string;
      package: string;
      version: string;
      maxSurge?: number;
      maxUnavailable?: number;
      canary?: { instances: number; weight: number } | null;
    },
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
