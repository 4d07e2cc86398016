import { Command } from '@nestjs/cqrs';
import { AppState, HealthCheckFields } from '@mammoth/domain';
import { Isolation } from '@mammoth/events';
import { AppendContext } from '@mammoth/event-store';

/** ConstraintFields is one constraint as the API takes it, before decideApp checks it. */
export interface ConstraintFields {
  kind: string;
  key?: string | null;
  op?: string | null;
  values?: string[] | null;
  max?: number | null;
}

/** DeployAppCommand asks to run a package as a new app. */
export class DeployAppCommand extends Command<AppState> {
  constructor(
    readonly input: {
      name: string;
      package: string;
      version?: string | null;
      instances: number;
      cpuMillis: number;
      memoryMiB: number;
      diskMiB: number;
      env: Record<string, string>;
      /** strategy is as the caller gave it (validated by decideApp); absent means spread. */
      strategy?: string | null;
      /** constraints are flat, as the API takes them: kind plus whichever of key, op, values, max the kind uses. */
      constraints?: readonly ConstraintFields[] | null;
      /** healthCheck is as the caller gave it, defaults not yet filled (decideApp checks and completes it). */
      healthCheck?: HealthCheckFields | null;
      maxRestarts?: number | null;
      restartWindowMs?: number | null;
      /** isolation is the app's confinement; absent means the bridge network, the image's user. */
      isolation?: Isolation;
    },
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
