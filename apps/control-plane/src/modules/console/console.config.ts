import { join } from 'node:path';
import { z } from 'zod';

/** ConsoleConfig is where the built web console is. */
export interface ConsoleConfig {
  readonly dir: string;
}

/** consoleConfig is the schema of CONSOLE_DIR (default: dist/console beside the compiled apps, where build.sh puts it). */
export const consoleConfig = z.object({ CONSOLE_DIR: z.string().min(1).optional() }).transform((e): ConsoleConfig => ({
  dir: e.CONSOLE_DIR ?? join(__dirname, '..', '..', '..', '..', '..', 'console'),
}));
