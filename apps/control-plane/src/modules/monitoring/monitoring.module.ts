import { Module } from '@nestjs/common';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { MONITORING_CONFIG } from './monitoring.tokens';
import { PrometheusClient } from './prometheus-client';
import { AlertsResolver } from './queries/alerts/alerts.resolver';
import { MetricsTargetsResolver } from './queries/metrics-targets/metrics-targets.resolver';

/** MonitoringModule serves what scraping and alerting need: the metricsTargets to scrape and the firing alerts. */
@Module({
  providers: [
    { provide: MONITORING_CONFIG, inject: [CONFIG], useFactory: (c: ControlPlaneConfig) => c.monitoring },
    PrometheusClient,
    AlertsResolver,
    MetricsTargetsResolver,
  ],
})
export class MonitoringModule {}
