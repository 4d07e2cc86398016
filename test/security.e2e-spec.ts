import { readFile } from 'node:fs/promises';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Cluster, MammothProcess, buildTestImage, eventually, httpGet, requestNginx, testPort } from './harness';

const NGINX_PORT = testPort(18197);
const DEPLOY = 'mutation($input: DeployAppInput!) { deployApp(input: $input) { name namespace } }';
const web = (name: string) => ({ name, package: 'sec', instances: 1, cpus: 0.05, memoryMiB: 16 });

describe('identity and capabilities: every call presents a token, and every token is held to its policies', () => {
  const cluster = new Cluster({ from: testPort(32750), to: testPort(32799) }, testPort(18191));
  const clients: Client[] = [];
  let companion: MammothProcess;
  let alice: string;
  let bob: string;
  let bobId: string;

  /** as posts an operation with a given token (or none) and returns the whole answer. */
  async function as(token: string | null, query: string, variables: Record<string, unknown> = {}) {
    const res = await fetch(`${cluster.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        data?: Record<string, unknown> | null;
        errors?: { message: string; extensions?: Record<string, unknown> }[];
      },
    };
  }
  const firstError = async (token: string | null, query: string, variables: Record<string, unknown> = {}) =>
    (await as(token, query, variables)).body.errors?.[0];

  /** subscribe opens a graphql-ws client with the given connection_init payload and resolves with its first outcome. */
  function subscribe(params: Record<string, unknown> | undefined, query: string): Promise<unknown> {
    const client = createClient({
      url: `ws://127.0.0.1:${testPort(18191)}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: params,
    });
    clients.push(client);
    return new Promise((resolve) => {
      client.subscribe(
        { query },
        { next: (r) => resolve(r), error: (e) => resolve(e), complete: () => resolve('complete') },
      );
    });
  }

  async function token(subject: string, policies: string[]): Promise<{ id: string; secret: string }> {
    const r = await cluster.gql<{ createToken: { token: { id: string }; secret: string } }>(
      'mutation($s: String!, $p: [String!]!) { createToken(subject: $s, policies: $p) { token { id } secret } }',
      { s: subject, p: policies },
    );
    return { id: r.createToken.token.id, secret: r.createToken.secret };
  }

  beforeAll(async () => {
    const image = await buildTestImage('mammoth-e2e/sec:1', 'secure');
    await cluster.start();
    expect((await cluster.upload(new Blob([await readFile(image)]), { name: 'sec', version: '1' })).status).toBe(201);
    await cluster.gql(
      `mutation {
        a: putPolicy(name: "team-a", rules: [{ capabilities: ["apps:*", "events:read"], resources: ["team-a/*"] }]) { name }
        r: putPolicy(name: "readers", rules: [{ capabilities: ["apps:read"], resources: ["*"] }]) { name }
      }`,
    );
    alice = (await token('alice', ['team-a'])).secret;
    ({ id: bobId, secret: bob } = await token('bob', ['readers']));
    await cluster.gql(DEPLOY, { input: web('team-b/web') });
    companion = cluster.newCompanion(NGINX_PORT, { NGINX_STOP_ON_EXIT: 'true' }).start();
  });

  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.dispose()));
    await companion?.stop();
    await cluster.stop();
  });

  it('refuses a call without a valid token as UNAUTHENTICATED: GraphQL, the schema, upload, blob download, subscriptions', async () => {
    expect(await firstError(null, '{ apps { name } }')).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(await firstError('mmt_0-0_' + 'x'.repeat(43), '{ apps { name } }')).toMatchObject({
      message: 'the token is not valid',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(await firstError(null, '{ __schema { queryType { name } } }')).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });

    const form = new FormData();
    form.set('file', new Blob(['not a tarball']), 'package.tar');
    const upload = await fetch(`${cluster.url}/packages`, { method: 'POST', body: form });
    expect(upload.status).toBe(401);
    expect(upload.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await upload.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    const blob = await fetch(`${cluster.url}/packages/blobs/sha256:${'0'.repeat(64)}`);
    expect(blob.status).toBe(401);

    const closed = (await subscribe(undefined, 'subscription { events(after: "0") { position } }')) as {
      code: number;
      reason: string;
    };
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/^UNAUTHENTICATED: no token/);
    // The probes stay public.
    expect((await httpGet(`${cluster.url}/healthz`))?.status).toBe(200);
  });

  it('refuses a call the token has no capability for as FORBIDDEN, naming the capability and the resource', async () => {
    expect(await firstError(bob, DEPLOY, { input: web('team-b/api') })).toMatchObject({
      message: 'bob lacks the capability apps:deploy on team-b/api',
      extensions: { code: 'FORBIDDEN', capability: 'apps:deploy', resource: 'team-b/api' },
    });
    expect(
      await firstError(
        alice,
        'mutation { registerNode(input: {nodeId: "x", hostname: "x", address: "127.0.0.1", cpus: 1, memoryMiB: 64, diskMiB: 0, portFrom: 40000, portTo: 40001, driver: "sim"}) { id } }',
      ),
    ).toMatchObject({
      extensions: { code: 'FORBIDDEN', capability: 'nodes:register', resource: 'x' },
    });
    expect(await firstError(alice, `{ nodeAssignments(nodeId: "${cluster.nodeId}") { version } }`)).toMatchObject({
      extensions: { code: 'FORBIDDEN', capability: 'nodes:assignments' },
    });
    expect(
      await firstError(alice, 'mutation { createToken(subject: "mallory", policies: ["admin"]) { secret } }'),
    ).toMatchObject({
      extensions: { code: 'FORBIDDEN', capability: 'tokens:create', resource: '*' },
    });
    const blob = await fetch(`${cluster.url}/packages/blobs/sha256:${'0'.repeat(64)}`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(blob.status).toBe(403);
    expect(((await blob.json()) as { error: { capability: string } }).error.capability).toBe('nodes:pull');
  });

  it('lets a token scoped to team-a/* run team-a/web and nothing of team-b, which it cannot even see', async () => {
    const deployed = await as(alice, DEPLOY, { input: web('team-a/web') });
    expect(deployed.body.errors).toBeUndefined();
    expect(deployed.body.data).toEqual({ deployApp: { name: 'team-a/web', namespace: 'team-a' } });
    expect((await as(alice, 'mutation { scaleApp(name: "team-a/web", instances: 2) { desired } }')).body.data).toEqual({
      scaleApp: { desired: 2 },
    });
    for (const [query, capability] of [
      [DEPLOY, 'apps:deploy'],
      ['mutation { scaleApp(name: "team-b/web", instances: 0) { desired } }', 'apps:scale'],
      ['mutation { removeApp(name: "team-b/web") }', 'apps:remove'],
      ['{ app(name: "team-b/web") { name } }', 'apps:read'],
      ['{ events(filter: { app: "team-b/web" }) { type } }', 'events:read'],
    ] as const) {
      expect(await firstError(alice, query, { input: web('team-b/web') })).toMatchObject({
        extensions: { code: 'FORBIDDEN', capability, resource: 'team-b/web' },
      });
    }
    const listed = await as(alice, '{ apps { name } services { name } }');
    expect(listed.body.data).toEqual({ apps: [{ name: 'team-a/web' }], services: [{ name: 'team-a/web' }] });
    expect((await cluster.gql<{ apps: { name: string }[] }>('{ apps { name } }')).apps.map((a) => a.name)).toEqual([
      'team-a/web',
      'team-b/web',
    ]);
  });

  it('routes an app in a namespace through nginx by Host <app>.<ns> and by /apps/<ns>/<app>/', async () => {
    await eventually(
      async () => {
        expect((await requestNginx(NGINX_PORT, '/version.txt', 'web.team-a')).status).toBe(200);
        expect((await requestNginx(NGINX_PORT, '/apps/team-a/web/version.txt')).status).toBe(200);
        expect((await requestNginx(NGINX_PORT, '/version.txt', 'web.team-b')).status).toBe(200);
      },
      90_000,
      500,
    );
  });

  it('records the token subject as every event actor, and events(filter: {actor}) finds them', async () => {
    const { events } = await cluster.gql<{ events: { type: string; streamId: string; metadata: { actor: string } }[] }>(
      '{ events(limit: 1000, filter: { actor: "alice" }) { type streamId metadata { actor } } }',
    );
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['AppDeployed', 'AppScaled', 'InstancePlaced']));
    expect(new Set(events.map((e) => e.metadata.actor))).toEqual(new Set(['alice']));
    expect(events.every((e) => !e.streamId.includes('team-b'))).toBe(true);
    const { events: admin } = await cluster.gql<{ events: { type: string }[] }>(
      '{ events(limit: 1000, filter: { actor: "admin" }) { type } }',
    );
    expect(admin.map((e) => e.type)).toEqual(expect.arrayContaining(['PolicyPut', 'TokenCreated', 'AppDeployed']));
    const { tokens } = await cluster.gql<{ tokens: { subject: string; createdBy: string }[] }>(
      '{ tokens { subject createdBy } }',
    );
    await eventually(async () => {
      const t = await cluster.gql<{ tokens: { subject: string; createdBy: string }[] }>(
        '{ tokens { subject createdBy } }',
      );
      expect(t.tokens).toEqual(
        expect.arrayContaining([
          { subject: 'alice', createdBy: 'admin' },
          { subject: 'bob', createdBy: 'admin' },
        ]),
      );
    });
    expect(JSON.stringify(tokens)).not.toContain('mmt_');
  });

  it('refuses a browser WebSocket from a foreign Origin at the upgrade, and any query or mutation over the socket', async () => {
    const url = `ws://127.0.0.1:${testPort(18191)}/graphql`;
    const status = (origin?: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    expect(await status('http://evil.example')).toBe(403);
    expect(await status(cluster.url)).toBe(101);
    expect(await status()).toBe(101);

    const auth = { authorization: `Bearer ${cluster.token}` };
    const mutation = (await subscribe(auth, 'mutation { removeApp(name: "team-b/web") }')) as { message: string }[];
    expect(mutation[0].message).toMatch(/only subscriptions are served over the WebSocket/);
    const query = (await subscribe(auth, '{ apps { name } }')) as { message: string }[];
    expect(query[0].message).toMatch(/only subscriptions/);
    expect((await cluster.gql<{ app: { name: string } | null }>('{ app(name: "team-b/web") { name } }')).app).toEqual({
      name: 'team-b/web',
    });
    const sub = (await subscribe(auth, 'subscription { events(after: "0") { type } }')) as { data: unknown };
    expect(sub.data).toEqual({ events: { type: 'AclBootstrapped' } });
  });

  it('refuses an over-deep or over-complex query and an over-large body, naming the limit', async () => {
    let deep = 'name';
    for (let i = 0; i < 6; i++) deep = `fields { type { ${deep} } }`;
    expect(await firstError(cluster.token, `{ __type(name: "App") { ${deep} } }`)).toMatchObject({
      message: expect.stringMatching(/Query depth limit of 10 exceeded, found 14\. \(GRAPHQL_MAX_DEPTH\)/),
    });
    const aliases = Array.from({ length: 600 }, (_, i) => `a${i}: apps { name desired running }`).join(' ');
    expect(await firstError(cluster.token, `{ ${aliases} }`)).toMatchObject({
      message: expect.stringMatching(/exceeds the limit of 2000 \(GRAPHQL_MAX_COMPLEXITY\)/),
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
    const big = await as(cluster.token, '{ apps { name } }', { pad: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.errors?.[0].message).toMatch(/exceeds the limit of 1048576 bytes \(HTTP_MAX_BODY_BYTES\)/);
  });

  it('writes no token secret to the logs, though every request of the suite carried one', async () => {
    const logs = await Promise.all(
      [cluster.controlPlane, cluster.daemon, companion].map((p) => readFile(p.logFile, 'utf8')),
    );
    expect(logs[0]).toMatch(/"authorization":"\[redacted\]"/);
    for (const secret of [cluster.token, alice, bob].map((t) => t.slice(t.lastIndexOf('_') + 1)))
      for (const log of logs) expect(log).not.toContain(secret);
  });

  it('refuses a revoked token at once, and closes its open subscriptions', async () => {
    const socket = createClient({
      url: `ws://127.0.0.1:${testPort(18191)}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${alice}` },
    });
    clients.push(socket);
    const ended = new Promise<{ code: number }>((resolve) =>
      socket.subscribe(
        { query: 'subscription { events(after: "0", filter: { app: "team-a/web" }) { type } }' },
        { next: () => undefined, error: (e) => resolve(e as { code: number }), complete: () => resolve({ code: 0 }) },
      ),
    );
    expect((await as(bob, '{ apps { name } }')).body.errors).toBeUndefined();
    await cluster.gql('mutation($id: String!) { revokeToken(id: $id) }', { id: bobId });
    expect(await firstError(bob, '{ apps { name } }')).toMatchObject({
      message: `token ${bobId} is revoked`,
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const { tokens } = await cluster.gql<{ tokens: { id: string }[] }>('{ tokens { id } }');
    const alicesId = (
      await cluster.pool.query<{ id: string }>(
        `SELECT data->>'tokenId' AS id FROM events WHERE type = 'TokenCreated' AND data->>'subject' = 'alice'`,
      )
    ).rows[0].id;
    expect(tokens.map((t) => t.id)).toContain(alicesId);
    await cluster.gql('mutation($id: String!) { revokeToken(id: $id) }', { id: alicesId });
    expect((await ended).code).toBe(4403);
  });
});
