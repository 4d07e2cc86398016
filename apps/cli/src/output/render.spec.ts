import { parse } from 'yaml';
import { ago, bytes, clip, mib, ratio, shortDigest } from './format';
import { record, serialize, table } from './render';

describe('table output', () => {
  it('aligns columns under upper-case headers, with - for empty cells and no trailing spaces', () => {
    const out = table(
      [
        { name: 'web', n: 3, note: null },
        { name: 'api-gateway', n: 10, note: 'x' },
      ],
      [
        { header: 'name', cell: (r) => r.name },
        { header: 'n', cell: (r) => r.n },
        { header: 'note', cell: (r) => r.note },
      ],
    );
    expect(out).toBe(['NAME          N    NOTE', 'web           3    -', 'api-gateway   10   x', ''].join('\n'));
  });

  it('prints only headers for no rows', () => {
    expect(table([], [{ header: 'id', cell: () => 1 }])).toBe('ID\n');
  });

  it('renders records as aligned label: value lines', () => {
    expect(
      record([
        ['Name', 'web'],
        ['Pending instances', 0],
        ['Rollout', null],
      ]),
    ).toBe(['Name:                web', 'Pending instances:   0', 'Rollout:             -', ''].join('\n'));
  });

  it('serializes JSON and YAML that parse back to the data', () => {
    const data = { name: 'web', instances: [{ id: 'i-1', port: 31000 }], rollout: null };
    expect(JSON.parse(serialize(data, 'json'))).toEqual(data);
    expect(parse(serialize(data, 'yaml'))).toEqual(data);
  });
});

describe('formatting', () => {
  it('renders sizes and ratios', () => {
    expect(mib(512)).toBe('512 MiB');
    expect(mib(1536)).toBe('1.5 GiB');
    expect(bytes(1023)).toBe('1023 B');
    expect(bytes(5 * 1024 * 1024 + 1)).toBe('5 MiB');
    expect(ratio(0.5, 4)).toBe('0.5/4 (13%)');
    expect(ratio(0, 0)).toBe('0/0 (0%)');
  });

  it('renders ages relative to now', () => {
    const now = Date.parse('2026-12-03T08:00:00Z');
    expect(ago('2026-12-03T07:59:57Z', now)).toBe('3s ago');
    expect(ago('2026-12-03T07:00:00Z', now)).toBe('60m ago');
    expect(ago('2026-12-01T09:00:00Z', now)).toBe('47h ago');
    expect(ago('2026-12-01T08:00:00Z', now)).toBe('2d ago');
    expect(ago(null, now)).toBe('-');
  });

  it('shortens digests and clips long text', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('sha256:0123456789ab');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
  });
});
