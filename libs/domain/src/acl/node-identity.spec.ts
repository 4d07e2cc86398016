import { nodeOfSubject, nodeRestriction, nodeSubject } from './node-identity';

describe('nodeRestriction (NodeRestriction over node ids)', () => {
  const enrolled = new Map([['n1', 'node:n1']]);
  const enrolledAs = (id: string) => enrolled.get(id) ?? null;

  it('reads the node of a node subject', () => {
    expect(nodeOfSubject(nodeSubject('n1'))).toBe('n1');
    expect(nodeOfSubject('admin')).toBeNull();
  });

  it.each([
    ['node:n1', 'nodes:register', ['n1'], null],
    ['node:n1', 'nodes:register', ['n2'], /acts only as its own node n1, not n2/],
    ['node:n1', 'nodes:report', ['n1', 'n2'], /not n2/],
    ['node:n1', 'nodes:assignments', ['n2'], /not n2/],
    ['node:n2', 'nodes:register', ['n2'], null],
    ['admin', 'nodes:register', ['n1'], /node n1 is enrolled: only node:n1 may act as it/],
    ['admin', 'nodes:report', ['n1'], /only node:n1/],
    ['admin', 'nodes:register', ['n2'], null],
    ['admin', 'nodes:assignments', ['n1'], null],
    ['node:n1', 'apps:read', ['default/web'], null],
  ] as const)('%s %s on %j', (subject, capability, resources, refused) => {
    const reason = nodeRestriction(subject, capability, resources, enrolledAs);
    if (refused === null) expect(reason).toBeNull();
    else expect(reason).toMatch(refused);
  });
});
