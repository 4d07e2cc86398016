import { readFile, stat } from 'node:fs/promises';
import { Cluster, buildTestImage, eventually, testPort } from './harness';

const REGISTER = `mutation($input: RegisterNodeInput!) { registerNode(input: $input) { id labels { key value } } }`;
const REPORT = 'mutation($r: [InstanceReportInput!]!) { reportInstances(reports: $r) }';
const ASSIGNMENTS = 'query($n: String!) { nodeAssignments(nodeId: $n) { nodeId assignments { instanceId } } }';
const JOIN = `mutation($n: String!, $j: String!) { joinNode(nodeId: $n, joinToken: $j) { nodeId subject tokenId credential
  labels { key value } } }`;

/** nodeInput is a registration of node `nodeId` at `address`. */
const nodeInput = (nodeId: string, address = '127.0.0.1') => ({
  nodeId,
  hostname: nodeId,
  address,
  cpus: 1,
  memoryMiB: 512,
  diskMiB: 1024,
  portFrom: testPort(32880),
  portTo: testPort(32889),
  driver: 'docker',
});

describe('node identity: nodes join with one-time join tokens and may then act only as themselves', () => {
  const cluster = new Cluster({ from: testPort(32870), to: testPort(32879) }, testPort(18299));
  const nodeB = `${cluster.nodeId}-b`;
  let credentialA: string;
  let credentialB: { tokenId: string; credential: string };
  let digest: string;

  /** as posts an operation with a token (or none) and returns its data or its first error. */
  async function as(token: string | null, query: string, variables: Record<string, unknown> = {}) {
    const res = await fetch(`${cluster.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    return { data: body.data, error: body.errors?.[0] };
  }

  async function joinToken(labels: { key: string; value: string }[] = []): Promise<{ id: string; secret: string }> {
    const r = await cluster.gql<{ createJoinToken: { joinToken: { id: string }; secret: string } }>(
      'mutation($l: [LabelInput!]) { createJoinToken(ttlMs: 600000, labels: $l) { joinToken { id } secret } }',
      { l: labels },
    );
    return { id: r.createJoinToken.joinToken.id, secret: r.createJoinToken.secret };
  }

  const pull = (token: string, d: string) =>
    fetch(`${cluster.url}/packages/blobs/${d}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    await cluster.start();
    credentialA = (await readFile(cluster.nodeCredentialFile, 'utf8')).trim();
    const image = await buildTestImage('mammoth-test/ident:1', 'ident');
    const up = await cluster.upload(new Blob([await readFile(image)]), { name: 'ident', version: '1' });
    digest = String(up.body.digest);
  }, 240_000);
  afterAll(() => cluster.stop(), 120_000);

  it("the cluster's daemon joined with its join token: its credential is a file only root reads, bound to node:<id>", async () => {
    expect((await stat(cluster.nodeCredentialFile)).mode & 0o777).toBe(0o600);
    expect((await as(credentialA, '{ whoami { subject policies } }')).data).toEqual({
      whoami: { subject: `node:${cluster.nodeId}`, policies: ['node'] },
    });
    const { joinTokens } = await cluster.gql<{
      joinTokens: { nodeId: string; usedAt: string; credentialId: string }[];
    }>('{ joinTokens { nodeId usedAt credentialId } }');
    expect(joinTokens).toEqual([expect.objectContaining({ nodeId: cluster.nodeId, usedAt: expect.any(String) })]);
    const r = await cluster.pool.query<{ actor: string }>(
      `SELECT metadata->>'actor' AS actor FROM events WHERE type = 'NodeRegistered' AND stream_id = $1`,
      [`node-${cluster.nodeId}`],
    );
    expect(r.rows.map((row) => row.actor)).toEqual([`node:${cluster.nodeId}`]);
    // Neither the join token's secret nor the credential's is in the log: only their hashes are.
    const secrets = [credentialA, (await readFile(cluster.nodeSecretFile, 'utf8')).trim()];
    const { rows } = await cluster.pool.query<{ text: string }>(
      `SELECT data::text || metadata::text AS text FROM events`,
    );
    for (const s of secrets) expect(rows.some((row) => row.text.includes(s.slice(-43)))).toBe(false);
  });

  it('a used join token is refused, and so is one that is not valid, each saying why and writing nothing', async () => {
    const used = (await readFile(cluster.nodeSecretFile, 'utf8')).trim();
    const before = await cluster.eventCount();
    expect((await as(null, JOIN, { n: 'other', j: used })).error).toMatchObject({
      message: expect.stringMatching(/was already used \(by node /),
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const forged = used.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await as(null, JOIN, { n: 'other', j: forged })).error).toMatchObject({
      message: 'the join token is not valid',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const revoked = await joinToken();
    await cluster.gql('mutation($id: String!) { revokeJoinToken(id: $id) }', { id: revoked.id });
    expect((await as(null, JOIN, { n: 'other', j: revoked.secret })).error?.message).toMatch(/is revoked/);
    expect(await cluster.eventCount()).toBe(before + 2);
  });

  it('another node joins with its own join token, getting the labels the token names', async () => {
    const token = await joinToken([{ key: 'zone', value: 'z9' }]);
    const { data } = await as(null, JOIN, { n: nodeB, j: token.secret });
    const joined = (data as { joinNode: { subject: string; tokenId: string; credential: string } }).joinNode;
    expect(joined).toMatchObject({ nodeId: nodeB, subject: `node:${nodeB}`, labels: [{ key: 'zone', value: 'z9' }] });
    credentialB = joined;
    const registered = await as(credentialB.credential, REGISTER, { input: { ...nodeInput(nodeB), labels: [] } });
    expect(registered.data).toEqual({ registerNode: { id: nodeB, labels: [{ key: 'zone', value: 'z9' }] } });
  });

  it('node A registering, reporting or reading assignments as node B is refused, naming the capability and resource', async () => {
    const refusals = [
      await as(credentialA, REGISTER, { input: nodeInput(nodeB, '10.9.9.9') }),
      await as(credentialA, REPORT, {
        r: [{ instanceId: '00000000-0000-4000-8000-000000000001', app: 'x', nodeId: nodeB, state: 'running' }],
      }),
      await as(credentialA, ASSIGNMENTS, { n: nodeB }),
      await as(credentialB.credential, ASSIGNMENTS, { n: cluster.nodeId }),
    ];
    for (const [i, capability] of ['nodes:register', 'nodes:report', 'nodes:assignments'].entries())
      expect(refusals[i].error).toMatchObject({
        message: expect.stringContaining(`lacks the capability ${capability} on ${nodeB}`),
        extensions: { code: 'FORBIDDEN', capability, resource: nodeB },
      });
    expect(refusals[3].error?.message).toMatch(/acts only as its own node/);
    // As itself it may.
    expect((await as(credentialA, ASSIGNMENTS, { n: cluster.nodeId })).data).toMatchObject({
      nodeAssignments: { nodeId: cluster.nodeId },
    });
  });

  it("re-registering an enrolled node's address from another identity is refused, even with the admin token", async () => {
    const { error } = await as(cluster.token, REGISTER, { input: nodeInput(cluster.nodeId, '10.9.9.9') });
    expect(error).toMatchObject({
      message: expect.stringContaining(`node ${cluster.nodeId} is enrolled: only node:${cluster.nodeId} may act as it`),
      extensions: { code: 'FORBIDDEN' },
    });
    const { nodes } = await cluster.gql<{ nodes: { id: string; address: string }[] }>('{ nodes { id address } }');
    expect(nodes.find((n) => n.id === cluster.nodeId)?.address).toBe('127.0.0.1');
  });

  it('a node downloads only the packages assigned to it', async () => {
    expect((await pull(credentialA, digest)).status).toBe(403);
    await cluster.gql(
      'mutation { deployApp(input: {name: "ident", package: "ident", instances: 1, cpus: 0.05, memoryMiB: 16}) { name } }',
    );
    await eventually(async () => {
      const { app } = await cluster.gql<{ app: { running: number } }>('{ app(name: "ident") { running } }');
      expect(app.running).toBe(1);
    }, 120_000);
    const mine = await pull(credentialA, digest);
    expect(mine.status).toBe(200);
    await mine.arrayBuffer();
    const other = await pull(credentialB.credential, digest);
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({
      error: { code: 'FORBIDDEN', capability: 'nodes:pull', message: expect.stringMatching(/not assigned to node/) },
    });
  });

  it('a restarted daemon presents the credential it stored instead of joining again', async () => {
    await cluster.daemon.stop();
    cluster.daemon = cluster.newDaemon().start();
    await eventually(async () => {
      expect(await readFile(cluster.daemon.logFile, 'utf8')).toMatch(/using the node credential in/);
    }, 60_000);
    const { joinTokens } = await cluster.gql<{ joinTokens: { nodeId: string | null }[] }>('{ joinTokens { nodeId } }');
    expect(joinTokens.filter((t) => t.nodeId === cluster.nodeId)).toHaveLength(1);
    expect((await readFile(cluster.daemon.logFile, 'utf8')).match(/joined: credential/g)).toHaveLength(1);
  });

  it('a node cannot be enrolled again while its credential works; a revoked credential is refused, then it can', async () => {
    const again = await joinToken();
    expect((await as(null, JOIN, { n: nodeB, j: again.secret })).error).toMatchObject({
      message: expect.stringMatching(/is enrolled with credential .*; revoke it/),
      extensions: { code: 'FAILED_PRECONDITION' },
    });
    await cluster.gql('mutation($id: String!) { revokeToken(id: $id) }', { id: credentialB.tokenId });
    expect((await as(credentialB.credential, REGISTER, { input: nodeInput(nodeB) })).error).toMatchObject({
      message: `token ${credentialB.tokenId} is revoked`,
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect((await pull(credentialB.credential, digest)).status).toBe(401);
    const { data } = await as(null, JOIN, { n: nodeB, j: again.secret });
    expect(data).toMatchObject({ joinNode: { nodeId: nodeB, subject: `node:${nodeB}` } });
  });
});
