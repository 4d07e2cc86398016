import { join } from 'node:path';
import { z } from 'zod';
import {
  clientTokenConfig,
  composeConfig,
  Env,
  healthConfig,
  HealthConfig,
  loggingConfig,
  LoggingConfig,
  parseConfig,
  port,
} from '@mammoth/platform';

/** CompanionConfig is every setting of the nginx companion, read once from the environment. */
export interface CompanionConfig {
  /** controlPlaneUrls are every control plane's HTTP base (CONTROL_PLANE_URL=a,b); subscriptions use the same hosts over ws://. */
  readonly controlPlaneUrls: readonly string[];
  /** token is the bearer token it presents (MAMMOTH_TOKEN or MAMMOTH_TOKEN_FILE; a policy with cluster:read suffices). */
  readonly token: string | null;
  readonly listenHost: string;
  readonly listenPort: number;
  /** runDir is nginx's prefix: its configuration, logs, temp files, pid file and the companion's state file live under it. */
  readonly runDir: string;
  readonly nginxBin: string;
  /** workerShutdownTimeout bounds how long old workers may keep serving in-flight requests after a reload. */
  readonly workerShutdownTimeout: string;
  /** stopNginxOnExit stops nginx when the companion stops; by default nginx keeps serving through a companion restart. */
  readonly stopNginxOnExit: boolean;
  readonly logging: LoggingConfig;
  readonly health: HealthConfig;
  /** targets, when set, is the Prometheus file_sd file the companion keeps in step with the registry, and how often. */
  readonly targets: { readonly file: string; readonly intervalMs: number } | null;
}

const CompanionEnv = z.object({
  CONTROL_PLANE_URL: z
    .string()
    .default('http://127.0.0.1:8080')
    .transform((s) => s.split(',').map((u) => u.trim().replace(/\/+$/, '')))
    .pipe(z.array(z.string().url('a comma-separated list of URLs')).min(1)),
  NGINX_LISTEN_HOST: z.string().ip().default('127.0.0.1'),
  NGINX_LISTEN_PORT: port()
    .refine((p) => p > 0, 'must be a port from 1 to 65535')
    .default(8088),
  NGINX_RUN_DIR: z.string().min(1).optional(),
  NGINX_BIN: z.string().min(1).default('/usr/sbin/nginx'),
  NGINX_WORKER_SHUTDOWN_TIMEOUT: z
    .string()
    .regex(/^\d+(ms|s|m)?$/, 'an nginx time such as 30s')
    .default('30s'),
  NGINX_STOP_ON_EXIT: z.enum(['true', 'false', '1', '0']).default('false'),
  PROMETHEUS_TARGETS_FILE: z.string().min(1).optional(),
  PROMETHEUS_TARGETS_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
});

/** companionConfig is the companion's environment schema: its own settings, logging and its health listener (HEALTH_PORT 8083). */
export const companionConfig = composeConfig({
  companion: CompanionEnv,
  logging: loggingConfig,
  health: healthConfig(8083),
  auth: clientTokenConfig,
});

/** loadConfig reads the companion's settings, throwing a ConfigError that names each variable at fault. */
export function loadConfig(env: Env): CompanionConfig {
  const { companion: e, logging, health, auth } = parseConfig(companionConfig, env);
  return {
    controlPlaneUrls: e.CONTROL_PLANE_URL,
    token: auth.token,
    listenHost: e.NGINX_LISTEN_HOST,
    listenPort: e.NGINX_LISTEN_PORT,
    runDir: e.NGINX_RUN_DIR ?? join(process.cwd(), '.run', 'nginx-companion'),
    nginxBin: e.NGINX_BIN,
    workerShutdownTimeout: e.NGINX_WORKER_SHUTDOWN_TIMEOUT,
    stopNginxOnExit: e.NGINX_STOP_ON_EXIT === 'true' || e.NGINX_STOP_ON_EXIT === '1',
    logging,
    health,
    targets: e.PROMETHEUS_TARGETS_FILE
      ? { file: e.PROMETHEUS_TARGETS_FILE, intervalMs: e.PROMETHEUS_TARGETS_INTERVAL_MS }
      : null,
  };
}
