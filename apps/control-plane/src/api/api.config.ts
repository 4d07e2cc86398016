import { z } from 'zod';
import { int } from '@mammoth/platform';

/** ApiConfig is the API's limits and who may open a WebSocket to it. */
export interface ApiConfig {
  /** allowedOrigins are the browser origins allowed to open the graphql-ws socket; a client sending no Origin is allowed. */
  readonly allowedOrigins: ReadonlySet<string>;
  readonly maxDepth: number;
  readonly maxComplexity: number;
  readonly maxBodyBytes: number;
}

const origin = z
  .string()
  .url()
  .transform((u) => new URL(u).origin);

/**
 * apiConfig is the schema of ALLOWED_ORIGINS (comma-separated; default the control plane's own origin, from HOST and
 * PORT), GRAPHQL_MAX_DEPTH (10), GRAPHQL_MAX_COMPLEXITY (2000, about one per field selected) and HTTP_MAX_BODY_BYTES
 * (1 MiB, a JSON request body; package uploads have their own limit).
 */
export const apiConfig = z
  .object({
    ALLOWED_ORIGINS: z
      .string()
      .transform((s) => s.split(',').map((o) => o.trim()))
      .pipe(z.array(origin).min(1))
      .optional(),
    PORT: z.coerce.number().int().default(8080),
    HOST: z.string().default('127.0.0.1'),
    GRAPHQL_MAX_DEPTH: int(2).max(100).default(10),
    GRAPHQL_MAX_COMPLEXITY: int(10).default(2000),
    HTTP_MAX_BODY_BYTES: int(1024).default(1024 * 1024),
  })
  .transform((e): ApiConfig => ({
    allowedOrigins: new Set(e.ALLOWED_ORIGINS ?? ownOrigins(e.HOST, e.PORT)),
    maxDepth: e.GRAPHQL_MAX_DEPTH,
    maxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
    maxBodyBytes: e.HTTP_MAX_BODY_BYTES,
  }));

function ownOrigins(host: string, port: number): string[] {
  const own = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return host === '127.0.0.1' ? [own, `http://localhost:${port}`] : [own];
}
