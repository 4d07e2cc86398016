import { Capability } from '@mammoth/domain';
import { Principal } from './principal';

/** AccessRequest is one checked call: who, which capability, the resources it touches and the call's arguments. */
export interface AccessRequest {
  readonly principal: Principal;
  readonly capability: Capability;
  readonly resources: readonly string[];
  readonly args: Record<string, unknown>;
}

/**
 * Authorizer is a further check after the policies allowed a call, for rules a glob cannot say (e.g. "node:<id> may act
 * only on node <id>"); it returns the reason to refuse, or null to let the call through.
 */
export interface Authorizer {
  refuse(request: AccessRequest): string | null | Promise<string | null>;
}

/** AUTHORIZERS is the injection token of the list of Authorizers the guard consults (empty unless a module adds some). */
export const AUTHORIZERS = Symbol('Authorizers');
