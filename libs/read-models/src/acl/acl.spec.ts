import { at, recorded } from '../testing/recorded';
import { joinTokensTable, policiesTable, tokensTable } from './acl';

describe('the acl read models', () => {
  it('keep a token without its secret hash, and mark its revocation', () => {
    const hash = 'a'.repeat(64);
    const created = recorded(
      'TokenCreated',
      { tokenId: 't1', subject: 'alice', policies: ['team-a'], secretHash: hash, expiresAt: null },
      at(1),
    );
    const row = tokensTable.evolve(null, created)!;
    expect(row).toMatchObject({ token_id: 't1', subject: 'alice', policies: ['team-a'], revoked_at: null });
    expect(JSON.stringify(row)).not.toContain(hash);
    expect(tokensTable.evolve(row, recorded('TokenRevoked', { tokenId: 't1' }, at(2)))?.revoked_at).toBe(at(2));
  });

  it('keep a policy while it is put and drop it when it is deleted', () => {
    const rules = [{ capabilities: ['apps:read'], resources: ['*'] }];
    const put = policiesTable.evolve(null, recorded('PolicyPut', { name: 'ops', rules }, at(1)));
    expect(put).toMatchObject({ name: 'ops', rules, updated_at: at(1) });
    expect(policiesTable.evolve(put, recorded('PolicyDeleted', { name: 'ops' }, at(2)))).toBeNull();
  });

  it('keep a join token without its secret hash, and mark its use', () => {
    const hash = 'b'.repeat(64);
    const created = recorded(
      'JoinTokenCreated',
      { tokenId: 'j1', secretHash: hash, expiresAt: at(9), labels: { zone: 'a' } },
      at(1),
    );
    const row = joinTokensTable.evolve(null, created)!;
    expect(row).toMatchObject({ token_id: 'j1', labels: { zone: 'a' }, used_at: null, node_id: null });
    expect(JSON.stringify(row)).not.toContain(hash);
    const used = recorded('JoinTokenUsed', { tokenId: 'j1', nodeId: 'n1', credentialId: 'c1' }, at(2));
    expect(joinTokensTable.evolve(row, used)).toMatchObject({ used_at: at(2), node_id: 'n1', credential_id: 'c1' });
  });
});
