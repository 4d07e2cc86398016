import { compileGrants } from './capabilities';

describe('compileGrants', () => {
  const grants = compileGrants([
    { capabilities: ['apps:deploy', 'apps:read'], resources: ['team-a/*'] },
    { capabilities: ['*:read'], resources: ['default/?eb'] },
  ]);

  it.each([
    ['apps:deploy', 'team-a/web', true],
    ['apps:deploy', 'team-b/web', false],
    ['apps:remove', 'team-a/web', false],
    ['apps:read', 'default/web', true],
    ['events:read', 'default/web', true],
    ['events:read', 'default/webs', false],
    ['apps:deploy', '*', false],
  ] as const)('%s on %s: %s', (capability, resource, allowed) => {
    expect(grants.allows(capability, resource)).toBe(allowed);
  });

  it('admin (* on *) allows everything, cluster-wide operations included', () => {
    const admin = compileGrants([{ capabilities: ['*'], resources: ['*'] }]);
    expect(admin.allows('tokens:create', '*')).toBe(true);
    expect(admin.allows('apps:deploy', 'team-b/web')).toBe(true);
  });

  it('says whether a capability is held on any resource (for lists the caller then filters)', () => {
    expect(grants.allowsAny('apps:read')).toBe(true);
    expect(grants.allowsAny('apps:scale')).toBe(false);
  });
});
