import { z } from 'zod';

/** ControlPlaneUrlsConfig is every control plane a process talks to, tried in turn. */
export interface ControlPlaneUrlsConfig {
  readonly urls: readonly string[];
}

/** controlPlaneConfig is the schema of CONTROL_PLANE_URL: one base URL or a comma-separated list (http://127.0.0.1:8080). */
export const controlPlaneConfig = z
  .object({
    CONTROL_PLANE_URL: z
      .string()
      .default('http://127.0.0.1:8080')
      .transform((s) => s.split(',').map((u) => u.trim().replace(/\/+$/, '')))
      .pipe(z.array(z.string().url('a comma-separated list of URLs')).min(1)),
  })
  .transform((e): ControlPlaneUrlsConfig => ({ urls: e.CONTROL_PLANE_URL }));
