import { CanActivate, ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { CLUSTER_RESOURCE } from '@mammoth/domain';
import { ACCESS_METADATA, AccessRule, ANY_RESOURCE } from '@mammoth/platform';
import { AclCache } from '../../modules/identity/acl-cache';
import { AccessException } from './access.exception';
import { Authorizer, AUTHORIZERS } from './authorizer';
import { DenialLog } from './denial-log';
import { Principal } from './principal';

/** Call is what the guard reads of one call: where to put the caller, the credentials and the arguments. */
interface Call {
  readonly holder: { principal?: Principal };
  readonly authorization: unknown;
  readonly args: Record<string, unknown>;
}

/**
 * AccessGuard is the one check every GraphQL query, mutation and subscription and every REST route goes through: a method
 * without an access declaration is refused; otherwise the caller's bearer token (the header, or graphql-ws's
 * connection_init payload) must be valid, and its policies must grant the declared capability on every resource the call
 * touches. It leaves the caller on the request for @Caller(). Denials are logged, rate-limited per subject.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly denials = new DenialLog((l) =>
    new Logger('access').warn(
      `denied ${l.subject}: ${l.capability} on ${l.resource} (${l.reason})` +
        (l.suppressed ? `; ${l.suppressed} more denial(s) of ${l.capability} left out` : ''),
    ),
  );

  constructor(
    private readonly reflector: Reflector,
    private readonly acl: AclCache,
    @Optional() @Inject(AUTHORIZERS) private readonly authorizers: readonly Authorizer[] = [],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<AccessRule | undefined>(ACCESS_METADATA, context.getHandler());
    const method = `${context.getClass().name}.${context.getHandler().name}`;
    if (!rule) throw AccessException.undeclared(method);
    if (rule.kind === 'public') return true;
    const call = callOf(context);
    const auth = await this.acl.authenticate(call.authorization);
    if (!auth.ok) {
      this.deny('anonymous', rule.kind === 'capability' ? rule.capability : 'any', '-', auth.reason);
      throw AccessException.unauthenticated(auth.reason);
    }
    const principal = auth.principal;
    call.holder.principal = principal;
    if (rule.kind === 'authenticated') return true;
    const { capability } = rule;
    if (rule.resource === ANY_RESOURCE) {
      if (principal.allowsAny(capability)) return true;
      this.deny(principal.subject, capability, 'any', 'FORBIDDEN');
      throw AccessException.forbidden(principal.subject, capability, 'any resource');
    }
    const named = rule.resource ? rule.resource(call.args) : CLUSTER_RESOURCE;
    const resources = typeof named === 'string' ? [named] : [...new Set(named)];
    const missing = resources.find((r) => !principal.allows(capability, r));
    if (missing !== undefined) {
      this.deny(principal.subject, capability, missing, 'FORBIDDEN');
      throw AccessException.forbidden(principal.subject, capability, missing);
    }
    for (const authorizer of this.authorizers) {
      const reason = await authorizer.refuse({ principal, capability, resources, args: call.args });
      if (reason !== null) {
        this.deny(principal.subject, capability, resources.join(','), reason);
        throw AccessException.forbidden(principal.subject, capability, resources.join(', '), reason);
      }
    }
    return true;
  }

  private deny(subject: string, capability: string, resource: string, reason: string): void {
    this.denials.denied({ subject, capability, resource, reason }, Date.now());
  }
}

/** callOf reads a call from GraphQL (over HTTP or graphql-ws) or from a REST route. */
function callOf(context: ExecutionContext): Call {
  if (context.getType<GqlContextType>() === 'graphql') {
    const gql = GqlExecutionContext.create(context);
    const ctx = gql.getContext<{ req?: WsOrHttp; principal?: Principal }>();
    const req = ctx.req;
    const authorization = req && 'headers' in req ? req.headers.authorization : req?.connectionParams?.authorization;
    return { holder: ctx, authorization, args: gql.getArgs() };
  }
  const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
  return { holder: req, authorization: req.headers.authorization, args: { ...req.query, ...req.params } };
}

/** WsOrHttp is the `req` of a GraphQL context: the HTTP request, or graphql-ws's context over the socket. */
type WsOrHttp = Request | { connectionParams?: Readonly<Record<string, unknown>> };
