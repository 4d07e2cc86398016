import { z } from 'zod';

/** LOG_LEVELS are pino's levels, quietest last. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** LoggingConfig is how much a process logs. */
export interface LoggingConfig {
  readonly level: (typeof LOG_LEVELS)[number];
}

/** loggingConfig is the schema of the log settings: LOG_LEVEL (info). */
export const loggingConfig = z
  .object({ LOG_LEVEL: z.enum(LOG_LEVELS).default('info') })
  .transform((e): LoggingConfig => ({ level: e.LOG_LEVEL }));
