import { z } from 'zod';

/** MonitoringConfig is where the control plane reads alerts: Prometheus' base URL (PROMETHEUS_URL), or null when none runs. */
export interface MonitoringConfig {
  readonly prometheusUrl: string | null;
}

/** monitoringConfig is the schema of PROMETHEUS_URL (unset: the alerts query says no Prometheus is configured). */
export const monitoringConfig = z
  .object({ PROMETHEUS_URL: z.string().url('a URL such as http://127.0.0.1:9090').optional() })
  .transform((e): MonitoringConfig => ({ prometheusUrl: e.PROMETHEUS_URL?.replace(/\/+$/, '') ?? null }));
