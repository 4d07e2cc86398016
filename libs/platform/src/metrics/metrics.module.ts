import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RemoteAccessReviewer } from './access-review';
import { MetricsController } from './metrics.controller';
import { initMetrics } from './registry';
import { ACCESS_REVIEWER, ReviewGuard } from './review.guard';

/** MetricsOptions names the process (the `process` label of every series) and, outside the control plane, who checks tokens. */
export interface MetricsOptions {
  readonly process: string;
  /** controlPlaneUrls, when given, guard every route of the process with a ReviewGuard asking these control planes. */
  readonly controlPlaneUrls?: readonly string[];
}

/**
 * MetricsModule serves /metrics on the process's HTTP listener. The control plane's own access guard checks its callers;
 * any other process gives `controlPlaneUrls`, and its routes are then checked by a ReviewGuard.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsOptions): DynamicModule {
    initMetrics(options.process);
    const urls = options.controlPlaneUrls;
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: urls
        ? [
            { provide: ACCESS_REVIEWER, useFactory: () => new RemoteAccessReviewer(urls) },
            { provide: APP_GUARD, useClass: ReviewGuard },
          ]
        : [],
    };
  }
}
