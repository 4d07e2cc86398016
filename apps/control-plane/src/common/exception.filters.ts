import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { GqlArgumentsHost, GqlContextType } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { Response } from 'express';
import { WrongExpectedVersionError } from '@mammoth/event-store';
import { InvalidEventError } from '@mammoth/events';
import { AccessException } from './access/access.exception';
import { DomainException } from './domain.exception';

const HTTP_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CANNOT_PLACE: 422,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  FAILED_PRECONDITION: 412,
};

/** ApiExceptionFilter maps every failure to a clear API error: typed and field-named for expected ones, UNAVAILABLE for infrastructure faults. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    const { code, message, field, ...more } = classify(exception);
    const details = { ...(field ? { field } : {}), ...more };
    if (host.getType<GqlContextType>() === 'graphql') {
      GqlArgumentsHost.create(host);
      return new GraphQLError(message, { extensions: { code, ...details } });
    }
    const res = host.switchToHttp().getResponse<Response>();
    const status =
      exception instanceof HttpException && code === 'HTTP' ? exception.getStatus() : (HTTP_STATUS[code] ?? 500);
    if (code === 'UNAUTHENTICATED') res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(status).json({ error: { code, message, ...details } });
    return undefined;
  }
}

function classify(e: unknown): {
  code: string;
  message: string;
  field?: string;
  capability?: string;
  resource?: string;
} {
  if (e instanceof AccessException) {
    const { code, message, capability, resource } = e;
    return { code, message, ...(capability ? { capability, resource } : {}) };
  }
  if (e instanceof DomainException) return { code: e.error.code, message: e.error.message, field: e.error.field };
  if (e instanceof InvalidEventError)
    return { code: 'INVALID_ARGUMENT', message: e.issues, field: e.issues.split(':')[0] };
  if (e instanceof WrongExpectedVersionError) return { code: 'CONFLICT', message: `${e.message}; retry the command` };
  if (e instanceof HttpException) {
    const body = e.getResponse() as { message?: string | string[] } | string;
    const message =
      typeof body === 'string'
        ? body
        : Array.isArray(body.message)
          ? body.message.join('; ')
          : (body.message ?? e.message);
    return { code: 'HTTP', message };
  }
  if (e instanceof GraphQLError) return { code: String(e.extensions?.code ?? 'BAD_REQUEST'), message: e.message };
  const pgCode = (e as { code?: string }).code;
  if (pgCode && (/^(08|57P)/.test(pgCode) || pgCode === 'ECONNREFUSED' || pgCode === 'ETIMEDOUT')) {
    return {
      code: 'UNAVAILABLE',
      message: `the event store is unavailable (${(e as Error).message}); nothing was written, retry later`,
    };
  }
  if (
    e instanceof Error &&
    /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED/i.test(e.message)
  ) {
    return {
      code: 'UNAVAILABLE',
      message: `the event store is unavailable (${e.message}); nothing was written, retry later`,
    };
  }
  new Logger('api').error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
