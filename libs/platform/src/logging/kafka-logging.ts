import { logCreator, logLevel, LogEntry } from 'kafkajs';
import { KafkaConfig } from '../config/kafka.config';
import { currentLogger } from './logger';

/** KafkaLogging is the part of a kafkajs client's options that sends its own log lines to pino. */
export interface KafkaLogging {
  readonly logLevel: logLevel;
  readonly logCreator: logCreator;
}

const LEVELS = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

function pinoLevel(level: logLevel): 'error' | 'warn' | 'info' | 'debug' {
  if (level <= logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

/** kafkaLogging makes kafkajs log through the current pino logger (with the correlation id in hand) at KAFKA_LOG_LEVEL. */
export function kafkaLogging(level: KafkaConfig['logLevel']): KafkaLogging {
  return {
    logLevel: LEVELS[level],
    logCreator:
      () =>
      ({ namespace, level: entryLevel, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
        currentLogger()[pinoLevel(entryLevel)]({ context: `kafkajs.${namespace}`, ...fields }, message);
      },
  };
}
