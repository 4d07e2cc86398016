import { ConfigError } from './config/env';
import { createLogger } from './logging/logger';

/** CONFIG_EXIT_CODE is the exit status of a process stopped by its configuration (sysexits' EX_CONFIG). */
export const CONFIG_EXIT_CODE = 78;

/**
 * loadOrExit runs a process's one config load at start; a ConfigError ends the process with CONFIG_EXIT_CODE after one
 * fatal line on stderr naming each variable at fault and why. Other errors are thrown on.
 */
export function loadOrExit<T>(name: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    createLogger(name, { level: 'info' }, { fd: 2, isTTY: process.stderr.isTTY === true }).fatal(err.message);
    process.exit(CONFIG_EXIT_CODE);
  }
}
