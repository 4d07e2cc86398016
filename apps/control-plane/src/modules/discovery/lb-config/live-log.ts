import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LogWatermark, PgChannelListener } from '@mammoth/event-store';
import { CONFIG, ControlPlaneConfig } from '../../../infra/config';
import { Pulse } from './pulse';

/** LB_CONFIG_CHANNEL is what the projector's lb-config projection notifies when it writes versions (apps/projector/src/lb-config/lb-store.ts). */
export const LB_CONFIG_CHANNEL = 'mammoth_lb_config';

/**
 * LiveLog is what the control plane's subscriptions wait on: the event log's safe position (LogWatermark, moved by the
 * NOTIFY every append sends, plus polling) and a pulse for every new lb-config version (NOTIFY from the projector, plus the
 * subscriptions' own polling). One of each per process, however many subscribers.
 */
@Injectable()
export class LiveLog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('live-log');
  readonly watermark: LogWatermark;
  readonly lbConfigChanged = new Pulse();
  private readonly lbListener: PgChannelListener;

  constructor(@Inject(CONFIG) config: ControlPlaneConfig, watermark: LogWatermark) {
    const warn = (m: string) => this.logger.warn(m);
    this.watermark = watermark;
    this.lbListener = new PgChannelListener(
      { connectionString: config.databaseUrl },
      [LB_CONFIG_CHANNEL],
      () => this.lbConfigChanged.fire(),
      warn,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.lbListener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.lbConfigChanged.fire();
    await this.lbListener.stop();
  }
}
