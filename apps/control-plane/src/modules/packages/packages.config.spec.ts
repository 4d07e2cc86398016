import { join } from 'node:path';
import { parseConfig } from '@mammoth/platform';
import { packagesConfig } from './packages.config';

describe('packagesConfig', () => {
  it('keeps packages under .run/control-plane up to 2 GiB each unless told', () => {
    expect(parseConfig(packagesConfig, {})).toEqual({
      dataDir: join(process.cwd(), '.run', 'control-plane'),
      maxPackageBytes: 2 * 1024 ** 3,
    });
    expect(parseConfig(packagesConfig, { MAMMOTH_DATA_DIR: '/srv/m', MAX_PACKAGE_BYTES: '1024' })).toEqual({
      dataDir: '/srv/m',
      maxPackageBytes: 1024,
    });
  });

  it('rejects a size that is not a positive whole number, naming it', () => {
    expect(() => parseConfig(packagesConfig, { MAX_PACKAGE_BYTES: '1e3.5' })).toThrow(/MAX_PACKAGE_BYTES/);
    expect(() => parseConfig(packagesConfig, { MAX_PACKAGE_BYTES: '0' })).toThrow(/MAX_PACKAGE_BYTES/);
  });
});
