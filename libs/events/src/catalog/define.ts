import { z } from 'zod';

/** EventDefinition couples a type string and its current schema version with the zod schema of its data. */
export interface EventDefinition<T extends string = string, S extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly type: T;
  readonly version: number;
  readonly category: StreamCategory;
  readonly schema: S;
  /** upcasters[v] turns data of schema version v into version v + 1. */
  readonly upcasters: Readonly<Record<number, (data: unknown) => unknown>>;
}

/** StreamCategory is the aggregate kind a stream id starts with; each has its own Kafka topic. */
export type StreamCategory = 'node' | 'app' | 'instance' | 'package' | 'acl';
export const STREAM_CATEGORIES: readonly StreamCategory[] = ['node', 'app', 'instance', 'package', 'acl'];

/** defineEvent declares one event type of the catalogue. */
export function defineEvent<T extends string, S extends z.ZodTypeAny>(
  category: StreamCategory,
  type: T,
  schema: S,
  opts: { version?: number; upcasters?: Record<number, (data: unknown) => unknown> } = {},
): EventDefinition<T, S> {
  return { type, category, schema, version: opts.version ?? 1, upcasters: opts.upcasters ?? {} };
}

/** EventOf is the DomainEvent shape of a definition. */
export type EventOf<D> =
  D extends EventDefinition<infer T, infer S>
    ? { readonly type: T; readonly version: number; readonly data: z.infer<S> }
    : never;
