import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ADDR, resolveConfig } from './config';

function home(files: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'mammoth-cli-'));
  mkdirSync(join(dir, 'mammoth'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'mammoth', name), text);
  return { XDG_CONFIG_HOME: dir };
}

describe('finding the cluster', () => {
  it('defaults to the loopback control plane with no token', () => {
    expect(resolveConfig({}, home())).toEqual({ addr: DEFAULT_ADDR, token: null, source: 'default' });
  });

  it('reads addr and token from config.yaml', () => {
    const env = home({ 'config.yaml': 'addr: http://10.0.0.1:8080\ntoken: s3cret\n' });
    expect(resolveConfig({}, env)).toMatchObject({ addr: 'http://10.0.0.1:8080', token: 's3cret' });
  });

  it('reads config.json when there is no YAML file', () => {
    const env = home({ 'config.json': '{"addr": "http://127.0.0.2:8080"}' });
    expect(resolveConfig({}, env).addr).toBe('http://127.0.0.2:8080');
  });

  it('lets MAMMOTH_ADDR and MAMMOTH_TOKEN override the file, and flags override both', () => {
    const env = {
      ...home({ 'config.yaml': 'addr: http://file:1\ntoken: file\n' }),
      MAMMOTH_ADDR: 'http://env:2',
      MAMMOTH_TOKEN: 'env',
    };
    expect(resolveConfig({}, env)).toEqual({ addr: 'http://env:2', token: 'env', source: 'MAMMOTH_ADDR' });
    expect(resolveConfig({ addr: 'http://flag:3', token: 'flag' }, env)).toMatchObject({
      addr: 'http://flag:3',
      token: 'flag',
    });
  });

  it('names the file and the field of a bad config', () => {
    expect(() => resolveConfig({}, home({ 'config.yaml': 'addr: not a url\n' }))).toThrow(
      /config\.yaml: addr: Invalid url/,
    );
    expect(() => resolveConfig({}, home({ 'config.yaml': 'adr: http://x\n' }))).toThrow(
      /config\.yaml: \(root\): Unrecognized key/,
    );
    expect(() => resolveConfig({}, home({ 'config.json': '{' }))).toThrow(/config\.json: /);
  });
});
