import { appResource, canonicalAppName, checkAppName, splitAppName } from './app-name';

describe('app names', () => {
  it('read a bare name as the default namespace, the same app as default/name', () => {
    expect(splitAppName('web')).toEqual({ namespace: 'default', name: 'web' });
    expect(canonicalAppName('default/web')).toBe('web');
    expect(canonicalAppName('team-a/web')).toBe('team-a/web');
    expect(appResource('web')).toBe('default/web');
    expect(appResource('team-a/web')).toBe('team-a/web');
  });

  it.each([
    ['web', null],
    ['team-a/web', null],
    ['Team/web', 'name'],
    ['a/b/c', 'name'],
    ['team-a/', 'name'],
    ['mammoth/web', 'name'],
  ])('%s: %s', (name, field) => {
    expect(checkAppName('name', name)?.field ?? null).toBe(field);
  });
});
