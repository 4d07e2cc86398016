import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { DocumentNode, getOperationAST, GraphQLError, parse, specifiedRules, validate } from 'graphql';
import type { Context, ServerOptions, SubscribePayload } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { CONFIG, ControlPlaneConfig } from '../infra/config';
import { AclCache } from '../modules/identity/acl-cache';
import { ApiConfig } from './api.config';
import { complexityError, depthRule } from './graphql-limits';

/** SWEEP_MS is how often open sockets are checked against their token, so a revoked or expired one is closed. */
const SWEEP_MS = 1000;
/** CLOSE_UNAUTHENTICATED and CLOSE_FORBIDDEN are the close codes of a socket refused at connection_init or later. */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;

type Extra = { socket: WebSocket; request: IncomingMessage };

/**
 * WebSocketGate guards the graphql-ws socket: the upgrade is refused (403) for a browser Origin outside ALLOWED_ORIGINS,
 * connection_init must carry a valid token (`{ authorization: "Bearer ..." }`, else the socket closes with 4401
 * UNAUTHENTICATED), only subscriptions are accepted over it (queries and mutations go over HTTP, where they are checked
 * the same way), each under the depth and complexity limits, and a socket whose token is revoked or expires is closed.
 */
@Injectable()
export class WebSocketGate implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('websocket');
  private readonly open = new Map<WebSocket, string>();
  private sweeper: NodeJS.Timeout | null = null;
  private readonly config: ApiConfig;

  constructor(
    @Inject(CONFIG) config: ControlPlaneConfig,
    private readonly acl: AclCache,
    private readonly adapter: HttpAdapterHost,
    private readonly modules: ModuleRef,
  ) {
    this.config = config.api;
  }

  onApplicationBootstrap(): void {
    this.adapter.httpAdapter.getHttpServer().prependListener('upgrade', this.checkOrigin);
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** options are the graphql-ws server options that authenticate, admit only subscriptions and apply the limits. */
  options(): Pick<ServerOptions, 'onConnect' | 'onSubscribe'> {
    return {
      onConnect: (ctx) => this.onConnect(ctx as Context<Record<string, unknown> | undefined, Extra>),
      onSubscribe: (_ctx, _id, payload) => this.onSubscribe(payload),
    };
  }

  private readonly checkOrigin = (req: IncomingMessage, socket: Duplex): void => {
    const origin = req.headers.origin;
    if (origin === undefined || this.config.allowedOrigins.has(origin)) return;
    this.log.warn(`refused a WebSocket upgrade from origin ${origin} (not in ALLOWED_ORIGINS)`);
    socket.end(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\norigin ${origin} is not allowed\n`,
    );
    socket.destroy();
  };

  private async onConnect(ctx: Context<Record<string, unknown> | undefined, Extra>): Promise<boolean> {
    const auth = await this.acl.authenticate(ctx.connectionParams?.authorization);
    const { socket } = ctx.extra;
    if (!auth.ok) {
      socket.close(CLOSE_UNAUTHENTICATED, `UNAUTHENTICATED: ${auth.reason}`.slice(0, 120));
      return false;
    }
    this.open.set(socket, auth.principal.tokenId);
    socket.once('close', () => this.open.delete(socket));
    return true;
  }

  private onSubscribe(payload: SubscribePayload): readonly GraphQLError[] | void {
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (err) {
      return [err as GraphQLError];
    }
    const op = getOperationAST(document, payload.operationName);
    if (op && op.operation !== 'subscription')
      return [
        new GraphQLError(
          `only subscriptions are served over the WebSocket; send a ${op.operation} as HTTP POST /graphql`,
          { extensions: { code: 'BAD_REQUEST' } },
        ),
      ];
    const schema = this.modules.get(GraphQLSchemaHost, { strict: false }).schema;
    const config = this.config;
    const errors = validate(schema, document, [...specifiedRules, depthRule(config)]);
    if (errors.length > 0) return errors;
    const tooComplex = complexityError(schema, document, payload.variables ?? undefined, payload.operationName, config);
    if (tooComplex) return [tooComplex];
  }

  private sweep(): void {
    for (const [socket, tokenId] of this.open) {
      if (this.acl.stillValid(tokenId)) continue;
      this.open.delete(socket);
      socket.close(CLOSE_FORBIDDEN, `token ${tokenId} was revoked or has expired`);
    }
  }
}
