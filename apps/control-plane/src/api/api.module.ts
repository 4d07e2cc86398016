import { Module } from '@nestjs/common';
import { WebSocketGate } from './websocket-gate';

/** ApiModule provides the WebSocketGate that the GraphQL module's graphql-ws server is configured with. */
@Module({ providers: [WebSocketGate], exports: [WebSocketGate] })
export class ApiModule {}
