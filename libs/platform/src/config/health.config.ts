import { z } from 'zod';
import { port } from './env';

/** HealthConfig is where a process without an API of its own serves /healthz and /readyz. */
export interface HealthConfig {
  readonly host: string;
  /** port 0 picks a free port; the process logs the one it got. */
  readonly port: number;
}

/** healthConfig is the schema of the health listener: HEALTH_HOST (127.0.0.1) and HEALTH_PORT (the process's own default). */
export const healthConfig = (defaultPort: number) =>
  z
    .object({
      HEALTH_HOST: z.string().ip('must be an IP address').default('127.0.0.1'),
      HEALTH_PORT: port().default(defaultPort),
    })
    .transform((e): HealthConfig => ({ host: e.HEALTH_HOST, port: e.HEALTH_PORT }));
