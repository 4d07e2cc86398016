import { z } from 'zod';
import {
  composeConfig,
  controlPlaneConfig,
  databaseConfig,
  Env,
  healthConfig,
  kafkaConfig,
  loggingConfig,
  parseConfig,
  topicsConfig,
} from '@mammoth/platform';

/**
 * projectorConfig is the projector's whole schema: the shared settings, its health listener (HEALTH_PORT 8081) and the
 * control planes that check the tokens presented to its /metrics (CONTROL_PLANE_URL).
 */
export const projectorConfig = composeConfig({
  controlPlane: controlPlaneConfig,
  database: databaseConfig(10),
  kafka: kafkaConfig,
  topics: topicsConfig,
  logging: loggingConfig,
  health: healthConfig(8081),
});

/** ProjectorConfig is every setting of the projector, read once at start. */
export type ProjectorConfig = z.output<typeof projectorConfig>;

/** CONFIG is the injection token of the ProjectorConfig. */
export const CONFIG = Symbol('ProjectorConfig');

/** loadConfig reads the projector's settings, throwing a ConfigError that names each variable at fault. */
export function loadConfig(env: Env): ProjectorConfig {
  return parseConfig(projectorConfig, env);
}
