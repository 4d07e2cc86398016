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

  it('grants apps:hostnetwork only by name or to `*`, never through a kind or verb wildcard', () => {
    const team = compileGrants([{ capabilities: ['apps:*', '*:hostnetwork'], resources: ['team-a/*'] }]);
    expect(team.allows('apps:deploy', 'team-a/web')).toBe(true);
    expect(team.allows('apps:hostnetwork', 'team-a/web')).toBe(false);
    const named = compileGrants([{ capabilities: ['apps:hostnetwork'], resources: ['team-a/*'] }]);
    expect(named.allows('apps:hostnetwork', 'team-a/web')).toBe(true);
    expect(compileGrants([{ capabilities: ['*'], resources: ['*'] }]).allows('apps:hostnetwork', 'x/y')).toBe(true);
  });
});
