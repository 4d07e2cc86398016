import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** ClientTokenConfig is the bearer token a process presents to the control plane, or null when it has none. */
export interface ClientTokenConfig {
  readonly token: string | null;
}

/**
 * clientTokenConfig is the schema of the token a client of the control plane presents: MAMMOTH_TOKEN, or the first line of
 * the file MAMMOTH_TOKEN_FILE names (kept mode 0600; scripts/up.sh prints where the bootstrap token is).
 */
export const clientTokenConfig = z
  .object({ MAMMOTH_TOKEN: z.string().min(1).optional(), MAMMOTH_TOKEN_FILE: z.string().min(1).optional() })
  .transform((e, ctx): ClientTokenConfig => {
    if (e.MAMMOTH_TOKEN) return { token: e.MAMMOTH_TOKEN.trim() };
    if (!e.MAMMOTH_TOKEN_FILE) return { token: null };
    try {
      const token = readFileSync(e.MAMMOTH_TOKEN_FILE, 'utf8').split('\n')[0].trim();
      if (token) return { token };
      ctx.addIssue({ code: 'custom', path: ['MAMMOTH_TOKEN_FILE'], message: `${e.MAMMOTH_TOKEN_FILE} is empty` });
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['MAMMOTH_TOKEN_FILE'], message: (err as Error).message });
    }
    return z.NEVER;
  });
