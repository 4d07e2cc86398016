import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@mammoth/domain';
import { DomainException } from '../../common/domain.exception';
import { MONITORING_CONFIG } from './monitoring.tokens';
import { MonitoringConfig } from './monitoring.config';

/** PrometheusAlert is one alert as Prometheus' /api/v1/alerts lists it. */
export interface PrometheusAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: 'firing' | 'pending' | 'inactive';
  readonly activeAt?: string;
  readonly value?: string;
}

const ANSWER_MS = 5000;

/** PrometheusClient reads Prometheus' HTTP API (the alerts it evaluates); it fails with a clear error when none is configured or answers. */
@Injectable()
export class PrometheusClient {
  constructor(@Inject(MONITORING_CONFIG) private readonly config: MonitoringConfig) {}

  /** alerts lists the alerts Prometheus holds now (pending and firing). */
  async alerts(): Promise<PrometheusAlert[]> {
    const base = this.config.prometheusUrl;
    if (!base)
      throw new DomainException(
        new DomainError('FAILED_PRECONDITION', 'no Prometheus configured: set PROMETHEUS_URL on the control plane'),
      );
    let body: { status?: string; error?: string; data?: { alerts?: PrometheusAlert[] } };
    try {
      const res = await fetch(`${base}/api/v1/alerts`, { signal: AbortSignal.timeout(ANSWER_MS) });
      body = (await res.json()) as typeof body;
    } catch (err) {
      throw new DomainException(
        new DomainError('UNAVAILABLE', `Prometheus at ${base} does not answer: ${(err as Error).message}`),
      );
    }
    if (body.status !== 'success')
      throw new DomainException(new DomainError('UNAVAILABLE', `Prometheus at ${base} refused: ${body.error ?? '?'}`));
    return body.data?.alerts ?? [];
  }
}
