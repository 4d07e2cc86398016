import { z } from 'zod';

/** ConfigError is an invalid environment: its message names every variable at fault and why. */
export class ConfigError extends Error {}

/** Env is the raw environment a config schema parses: variable names to strings. */
export type Env = Readonly<Record<string, string | undefined>>;

/** EnvSchema is a feature's config schema: it reads the flat environment and yields that feature's typed settings. */
export type EnvSchema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

/** int is a whole number variable of at least `min`, given as a decimal string. */
export const int = (min: number) => z.coerce.number().int().min(min);

/** port is a TCP port variable; 0 asks the system for a free one. */
export const port = () => z.coerce.number().int().min(0).max(65535);

/** onOff is an `on`/`off` switch variable, read as a boolean. */
export const onOff = (fallback: 'on' | 'off') =>
  z
    .enum(['on', 'off'])
    .default(fallback)
    .transform((v) => v === 'on');

/**
 * composeConfig makes one process's schema from per-feature schemas: each reads the same environment, and the result
 * holds each feature's settings under its key, so `composeConfig({ database, rollout })` yields `{ database, rollout }`.
 */
export function composeConfig<P extends Record<string, EnvSchema<unknown>>>(
  parts: P,
): EnvSchema<{ [K in keyof P]: z.output<P[K]> }> {
  const spread = (env: unknown) => Object.fromEntries(Object.keys(parts).map((k) => [k, env]));
  return z.preprocess(spread, z.object(parts));
}

/** parseConfig parses an environment with a schema, or throws a ConfigError naming each variable at fault and why. */
export function parseConfig<T>(schema: EnvSchema<T>, env: Env): T {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    `invalid configuration: ${parsed.error.issues.map((i) => `${variableOf(i.path)}: ${i.message}`).join('; ')}`,
  );
}

/** variableOf is the environment variable an issue is about: the last string in its path (composeConfig adds the feature key first). */
function variableOf(path: readonly (string | number)[]): string {
  const names = path.filter((p): p is string => typeof p === 'string');
  return names[names.length - 1] ?? '(environment)';
}
