import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PgChannelListener, pgConfig } from '@mammoth/event-store';
import { LB_CONFIG_CHANNEL } from '@mammoth/read-models';
import { CONFIG, ControlPlaneConfig } from '../../../infra/config';
import { Pulse } from './pulse';

/**
 * LbConfigListener is what the lbConfig subscriptions wait on: a pulse for every new lb-config version (NOTIFY from the
 * projector, plus the subscriptions' own polling). One per process, however many subscribers.
 */
@Injectable()
export class LbConfigListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('lb-config-listener');
  readonly changed = new Pulse();
  private readonly listener: PgChannelListener;

  constructor(@Inject(CONFIG) config: ControlPlaneConfig) {
    const warn = (m: string) => this.logger.warn(m);
    this.listener = new PgChannelListener(
      pgConfig(config.database),
      [LB_CONFIG_CHANNEL],
      () => this.changed.fire(),
      warn,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.changed.fire();
    await this.listener.stop();
  }
}
