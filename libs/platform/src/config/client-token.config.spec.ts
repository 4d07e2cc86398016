import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientTokenConfig } from './client-token.config';
import { parseConfig } from './env';

describe('clientTokenConfig', () => {
  it('takes MAMMOTH_TOKEN, else the first line of MAMMOTH_TOKEN_FILE, else no token', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tok-')), 'token');
    writeFileSync(file, 'mmt_a_b\n', { mode: 0o600 });
    expect(parseConfig(clientTokenConfig, { MAMMOTH_TOKEN: 'x' })).toEqual({ token: 'x' });
    expect(parseConfig(clientTokenConfig, { MAMMOTH_TOKEN_FILE: file })).toEqual({ token: 'mmt_a_b' });
    expect(parseConfig(clientTokenConfig, {})).toEqual({ token: null });
  });

  it('names the variable when the file cannot be read', () => {
    expect(() => parseConfig(clientTokenConfig, { MAMMOTH_TOKEN_FILE: '/nonexistent/token' })).toThrow(
      /MAMMOTH_TOKEN_FILE: ENOENT/,
    );
  });
});
