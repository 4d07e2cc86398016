import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CliError } from './errors';

/** DEFAULT_ADDR is where the CLI looks for Mammoth when nothing else says. */
export const DEFAULT_ADDR = 'http://127.0.0.1:8080';

const FILE_SCHEMA = z
  .object({
    addr: z.string().url().optional(),
    token: z.string().min(1).optional(),
  })
  .strict();

/** CliConfig is where the cluster is, the token to present, and where each came from. */
export interface CliConfig {
  readonly addr: string;
  readonly token: string | null;
  readonly source: string;
}

/** configDir is ~/.config/mammoth, or $XDG_CONFIG_HOME/mammoth. */
export function configDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'mammoth');
}

/** readConfigFile reads the first of config.yaml, config.yml, config.json in the config dir, or null if none exists. */
export function readConfigFile(dir: string): { path: string; addr?: string; token?: string } | null {
  for (const name of ['config.yaml', 'config.yml', 'config.json']) {
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    let raw: unknown;
    try {
      raw = name.endsWith('.json') ? JSON.parse(text) : parse(text);
    } catch (err) {
      throw new CliError(`config file ${path}: ${(err as Error).message}`);
    }
    const parsed = FILE_SCHEMA.safeParse(raw ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CliError(`config file ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    return { path, ...parsed.data };
  }
  return null;
}

/** resolveConfig picks the address and token: flags first, then MAMMOTH_ADDR/MAMMOTH_TOKEN, then the config file. */
export function resolveConfig(flags: { addr?: string; token?: string }, env: NodeJS.ProcessEnv): CliConfig {
  const file = flags.addr && flags.token ? null : readConfigFile(configDir(env));
  const addr = flags.addr ?? env.MAMMOTH_ADDR ?? file?.addr ?? DEFAULT_ADDR;
  const token = flags.token ?? env.MAMMOTH_TOKEN ?? file?.token ?? null;
  const source = flags.addr ? '--addr' : env.MAMMOTH_ADDR ? 'MAMMOTH_ADDR' : file?.addr ? file.path : 'default';
  return { addr, token, source };
}
