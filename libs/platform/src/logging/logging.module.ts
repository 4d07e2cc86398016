import { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CORRELATION_HEADER, requestCorrelationId } from './correlation';
import { rootLogger } from './logger';

/** PROBE_PATHS are answered without a request log line: probes come every few seconds. */
const PROBE_PATHS = ['/healthz', '/readyz'];

/** SECRET_HEADERS are request headers a log line never shows: they carry credentials. */
const SECRET_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** withoutSecrets is a serialized request as logged, its credential headers replaced by `[redacted]`. */
export function withoutSecrets<R extends { headers?: Record<string, unknown> }>(req: R): R {
  if (!req.headers) return req;
  const headers = { ...req.headers };
  for (const h of SECRET_HEADERS) if (headers[h] !== undefined) headers[h] = '[redacted]';
  return { ...req, headers };
}

/**
 * LoggingModule puts nestjs-pino in a Nest HTTP app over the root logger: every request runs with its correlation id (the
 * caller's x-correlation-id or a new one, echoed in the answer) on each line logged meanwhile, and ends with one line,
 * at debug level when it succeeded, never showing the request's credentials.
 */
@Module({})
export class LoggingModule {
  static forRoot(): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        // Async: the root logger is made at start (initLogging), after the modules' decorators have run.
        LoggerModule.forRootAsync({
          useFactory: () => ({
            pinoHttp: {
              logger: rootLogger(),
              quietReqLogger: true,
              serializers: { req: withoutSecrets },
              customAttributeKeys: { reqId: 'correlationId' },
              genReqId: (req: IncomingMessage, res: ServerResponse) => {
                const id = requestCorrelationId(req.headers[CORRELATION_HEADER]);
                res.setHeader(CORRELATION_HEADER, id);
                return id;
              },
              customLogLevel: (_req, res, err) =>
                err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug',
              autoLogging: { ignore: (req) => PROBE_PATHS.some((p) => req.url?.startsWith(p)) },
            },
          }),
        }),
      ],
    };
  }
}
