import { randomUUID } from 'node:crypto';
import { storage, Store } from 'nestjs-pino/storage';
import { rootLogger } from './logger';

/** CORRELATION_HEADER carries a request's correlation id in and out of the HTTP API. */
export const CORRELATION_HEADER = 'x-correlation-id';

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * withCorrelation runs fn with `correlationId` on every log line written meanwhile, including by the timers and promises
 * fn starts (AsyncLocalStorage, the store nestjs-pino reads).
 */
export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  return storage.run(new Store(rootLogger().child({ correlationId })), fn);
}

/**
 * withoutCorrelation runs fn, and what it starts, outside any correlation: a loop or queue shared by many requests or
 * events must not carry the id of whichever one happened to start it.
 */
export function withoutCorrelation<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** correlationId is the id of the request, command or event being handled, or undefined outside of one. */
export function correlationId(): string | undefined {
  const id: unknown = storage.getStore()?.logger.bindings().correlationId;
  return typeof id === 'string' ? id : undefined;
}

/** requestCorrelationId is an HTTP request's correlation id: the caller's CORRELATION_HEADER if it is sane, else a new UUID. */
export function requestCorrelationId(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_ID.test(header) ? header : randomUUID();
}
