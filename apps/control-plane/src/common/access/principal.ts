import { Capability } from '@mammoth/domain';

/** Principal is an authenticated caller: the token's subject and id, and what its policies allow as they stand now. */
export interface Principal {
  readonly subject: string;
  readonly tokenId: string;
  readonly policies: readonly string[];
  /** allows says whether the caller holds the capability on the resource. */
  allows(capability: Capability, resource: string): boolean;
  /** allowsAny says whether the caller holds the capability on some resource (a list it may see part of). */
  allowsAny(capability: Capability): boolean;
}

/** Authentication is a verified caller, or why the presented credentials were refused. */
export type Authentication =
  { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: string };
