import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSdGroups, writeAtomically } from './targets-file';

describe('fileSdGroups', () => {
  it('makes one file_sd group per target, its job and labels as labels, in a stable order', () => {
    expect(
      fileSdGroups([
        { job: 'node-daemon', address: '127.0.0.1:8082', labels: [{ key: 'node', value: 'n1' }] },
        { job: 'control-plane', address: '127.0.0.1:8080', labels: [] },
      ]),
    ).toEqual([
      { targets: ['127.0.0.1:8080'], labels: { job: 'control-plane' } },
      { targets: ['127.0.0.1:8082'], labels: { job: 'node-daemon', node: 'n1' } },
    ]);
  });
});

describe('writeAtomically', () => {
  it('replaces the file whole and leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'targets-'));
    const file = join(dir, 'targets.json');
    writeAtomically(file, '[1]\n');
    writeAtomically(file, '[2]\n');
    expect(readFileSync(file, 'utf8')).toBe('[2]\n');
    expect(readdirSync(dir)).toEqual(['targets.json']);
  });
});
