import { SetMetadata } from '@nestjs/common';
import type { Capability } from '@mammoth/domain';

/** ACCESS_METADATA is the metadata key under which an API method declares what it needs. */
export const ACCESS_METADATA = 'mammoth:access';

/** ResourceOf names the resource(s) a call touches from its arguments (GraphQL args, or a route's params and query). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each method's own GraphQL args or route params
export type ResourceOf = (args: Record<string, any>) => string | readonly string[];

/** ANY_RESOURCE declares a list that needs the capability on some resource; the handler keeps only what the caller may see. */
export const ANY_RESOURCE = 'any-resource' as const;

/** AccessRule is one method's declaration: public, any valid token, or a capability on the resource(s) it touches. */
export type AccessRule =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  | {
      readonly kind: 'capability';
      readonly capability: Capability;
      readonly resource: ResourceOf | typeof ANY_RESOURCE | null;
    };

/**
 * Requires declares the capability an API method needs on the resource `resourceOf` names (none: the cluster-wide resource
 * `*`, which only a rule on `*` covers; ANY_RESOURCE: some resource, the handler filtering what it returns).
 */
export const Requires = (capability: Capability, resourceOf: ResourceOf | typeof ANY_RESOURCE | null = null) =>
  SetMetadata<string, AccessRule>(ACCESS_METADATA, { kind: 'capability', capability, resource: resourceOf });

/** Authenticated declares a method any caller with a valid token may use (whoami). */
export const Authenticated = () => SetMetadata<string, AccessRule>(ACCESS_METADATA, { kind: 'authenticated' });

/** Public declares a method anyone may call without a token (the probes). */
export const Public = () => SetMetadata<string, AccessRule>(ACCESS_METADATA, { kind: 'public' });
