import { Args, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '@mammoth/platform';
import { AlertModel } from '../../monitoring.model';
import { PrometheusAlert, PrometheusClient } from '../../prometheus-client';

/** AlertsResolver serves the alerts Prometheus evaluates from Mammoth's rules (scripts/infra/prometheus/alerts.yml). */
@Resolver()
export class AlertsResolver {
  constructor(private readonly prometheus: PrometheusClient) {}

  @Query(() => [AlertModel], {
    description:
      'The firing alerts (node down, app below its desired count, crash loop, projection lag), from Prometheus.',
  })
  @Requires('cluster:read')
  async alerts(
    @Args('includePending', { defaultValue: false, description: 'Also alerts not yet true for their whole duration.' })
    includePending: boolean,
  ): Promise<AlertModel[]> {
    const alerts = await this.prometheus.alerts();
    return alerts
      .filter((a) => a.state === 'firing' || (includePending && a.state === 'pending'))
      .map(toAlert)
      .sort((a, b) => a.name.localeCompare(b.name) || (a.activeAt ?? '').localeCompare(b.activeAt ?? ''));
  }
}

function toAlert(a: PrometheusAlert): AlertModel {
  const { alertname, severity, ...rest } = a.labels;
  return {
    name: alertname ?? '?',
    state: a.state,
    severity,
    summary: a.annotations.summary,
    labels: Object.entries(rest).map(([key, value]) => ({ key, value })),
    activeAt: a.activeAt,
    value: a.value,
  };
}
