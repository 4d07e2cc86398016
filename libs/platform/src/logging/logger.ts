import { Logger as NestLogger } from '@nestjs/common';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import pino from 'pino';
import pretty from 'pino-pretty';
import { LoggingConfig } from '../config/logging.config';

/** LogStream is where a logger writes: a file descriptor and whether a person reads it, or any pino destination (JSON). */
export type LogStream = { readonly fd: 1 | 2; readonly isTTY: boolean } | pino.DestinationStream;

const stdout = (): LogStream => ({ fd: 1, isTTY: process.stdout.isTTY === true });

let root: pino.Logger | null = null;

/**
 * createLogger makes a pino logger named after the process: JSON lines with ISO times, pretty-printed only when the
 * stream is a terminal. Writes are synchronous, so a line logged just before `process.exit` is not lost.
 */
export function createLogger(name: string, config: LoggingConfig, stream: LogStream = stdout()): pino.Logger {
  const options: pino.LoggerOptions = { name, level: config.level, timestamp: pino.stdTimeFunctions.isoTime };
  if (!('fd' in stream)) return pino(options, stream);
  if (stream.isTTY) return pino(options, pretty({ destination: stream.fd, sync: true, colorize: true }));
  return pino(options, pino.destination({ dest: stream.fd, sync: true }));
}

/**
 * initLogging makes a logger from createLogger the process's root logger and routes Nest's Logger API through it
 * (nestjs-pino), so every `new Logger(context).log(...)` in the process writes one pino line with its context.
 */
export function initLogging(name: string, config: LoggingConfig, stream: LogStream = stdout()): pino.Logger {
  root = createLogger(name, config, stream);
  NestLogger.overrideLogger(nestLogger());
  return root;
}

/** rootLogger is the process's logger from initLogging (a default pino logger when nothing initialised one, as in tests). */
export function rootLogger(): pino.Logger {
  root ??= pino({ level: 'info' });
  return root;
}

/** currentLogger is the logger of the work in hand: the request's or event's, with its correlation id, else the root. */
export function currentLogger(): pino.Logger {
  return storage.getStore()?.logger ?? rootLogger();
}

/** nestLogger is a Nest LoggerService backed by the root logger, for `NestFactory.create(..., { logger })`. */
export function nestLogger(): NestPinoLogger {
  const params = { pinoHttp: { logger: rootLogger() } };
  return new NestPinoLogger(new PinoLogger(params), params);
}
