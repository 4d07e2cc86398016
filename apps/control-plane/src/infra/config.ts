import { z } from 'zod';
import {
  composeConfig,
  databaseConfig,
  kafkaConfig,
  loggingConfig,
  parseConfig,
  port,
  topicsConfig,
  Env,
} from '@mammoth/platform';
import { apiConfig } from '../api/api.config';
import { consoleConfig } from '../modules/console/console.config';
import { detectorConfig } from '../modules/failure-detector/detector.config';
import { monitoringConfig } from '../modules/monitoring/monitoring.config';
import { instanceRepairConfig } from '../modules/instance-repair/instance-repair.config';
import { packagesConfig } from '../modules/packages/packages.config';
import { pendingPlacerConfig } from '../modules/pending-placer/pending-placer.config';
import { rolloutConfig } from '../modules/rollout/rollout.config';
import { schedulerSeedConfig } from '../scheduling/scheduler.config';

/** httpConfig is the schema of the API's address: PORT (8080) and HOST (127.0.0.1); /healthz and /readyz are served there too. */
export const httpConfig = z
  .object({ PORT: port().default(8080), HOST: z.string().ip('must be an IP address').default('127.0.0.1') })
  .transform((e) => ({ port: e.PORT, host: e.HOST }));

/** controlPlaneConfig is the control plane's whole schema, composed from the shared and the per-feature ones. */
export const controlPlaneConfig = composeConfig({
  http: httpConfig,
  api: apiConfig,
  database: databaseConfig(20),
  kafka: kafkaConfig,
  topics: topicsConfig,
  logging: loggingConfig,
  packages: packagesConfig,
  schedulerSeed: schedulerSeedConfig,
  pendingPlacer: pendingPlacerConfig,
  rollout: rolloutConfig,
  detector: detectorConfig,
  instanceRepair: instanceRepairConfig,
  console: consoleConfig,
  monitoring: monitoringConfig,
});

/** ControlPlaneConfig is every setting of the control plane, read once at start. */
export type ControlPlaneConfig = z.output<typeof controlPlaneConfig>;

/** CONFIG is the injection token of the ControlPlaneConfig. */
export const CONFIG = Symbol('ControlPlaneConfig');

/** loadConfig reads the control plane's settings, throwing a ConfigError that names each variable at fault. */
export function loadConfig(env: Env): ControlPlaneConfig {
  return parseConfig(controlPlaneConfig, env);
}
