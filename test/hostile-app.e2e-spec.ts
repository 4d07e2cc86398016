import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Cluster, buildTestImage, eventually, httpGet, testPort } from './harness';

const run = promisify(execFile);
const DEPLOY = 'mutation($input: DeployAppInput!) { deployApp(input: $input) { name } }';
const CP_PORT = testPort(18298);

/**
 * A hostile app, built like the other test images (scripts/images/build-test-image.sh with PROBE=1), tries from inside
 * its container to open TCP connections to the control plane, PostgreSQL and Kafka on the host's 127.0.0.1 and on its
 * network's gateway, and serves what it got at /probe.txt through its published port.
 */
describe('app isolation: an app container reaches nothing of the host, and is confined', () => {
  const cluster = new Cluster({ from: testPort(32850), to: testPort(32869) }, CP_PORT);
  const kafkaPort = Number((process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0].split(':')[1]);
  const pgPort = Number(new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/x').port || 5432);
  const probePorts = `${CP_PORT} ${pgPort} ${kafkaPort}`;

  const deploy = (name: string, extra: Record<string, unknown> = {}) =>
    cluster.gql(DEPLOY, {
      input: {
        name,
        package: 'hostile',
        instances: 1,
        cpus: 0.05,
        memoryMiB: 16,
        env: [{ name: 'PROBE_PORTS', value: probePorts }],
        ...extra,
      },
    });

  /** instanceOf waits until the app's one instance runs and returns where the registry says it serves. */
  async function instanceOf(app: string): Promise<{ id: string; host: string; port: number }> {
    return eventually(
      async () => {
        const r = await cluster.gql<{
          app: { instances: { id: string; host: string; port: number; state: string }[] };
        }>('query($n: String!) { app(name: $n) { instances { id host port state } } }', { n: app });
        const i = r.app.instances.find((x) => x.state === 'running');
        if (!i) throw new Error(`${app} is not running yet`);
        return i;
      },
      120_000,
      500,
    );
  }

  /** probeOf reads the hostile app's findings through its published port, once it has tried every target. */
  async function probeOf(app: string): Promise<Map<string, string>> {
    const { host, port } = await instanceOf(app);
    const text = await eventually(
      async () => {
        const r = await httpGet(`http://${host}:${port}/probe.txt`);
        if (r?.status !== 200 || !r.body.includes('done')) throw new Error(`${app} has not finished probing`);
        return r.body;
      },
      120_000,
      500,
    );
    return new Map(
      text
        .split('\n')
        .filter((l) => l.includes(':'))
        .map((l) => [l.split(' ')[0], l.split(' ').slice(1).join(' ')]),
    );
  }

  async function inspect(app: string): Promise<{ HostConfig: Record<string, unknown>; Config: { User: string } }> {
    const { id } = await instanceOf(app);
    const c = (await cluster.containers()).find((x) => x.instance === id)!;
    const { stdout } = await run('docker', ['inspect', c.id]);
    return JSON.parse(stdout)[0];
  }

  beforeAll(async () => {
    await cluster.start();
    const image = await buildTestImage('mammoth-test/hostile:1', 'hostile', { PROBE: '1' });
    const up = await cluster.upload(new Blob([await readFile(image)]), { name: 'hostile', version: '1' });
    expect(up.status).toBe(201);
  }, 240_000);
  afterAll(() => cluster.stop(), 120_000);

  it('from inside its container it cannot open the control plane, PostgreSQL or Kafka, on 127.0.0.1 or the gateway', async () => {
    await deploy('hostile');
    const found = await probeOf('hostile');
    const { stdout } = await run('docker', [
      'network',
      'inspect',
      'mammoth',
      '--format',
      '{{(index .IPAM.Config 0).Gateway}}',
    ]);
    const gateway = stdout.trim();
    const { port } = await instanceOf('hostile');
    // The probe sees an open port when there is one: its own server, inside its own network namespace.
    expect(found.get(`127.0.0.1:${port}`)).toBe('open');
    for (const p of [CP_PORT, pgPort, kafkaPort]) {
      expect([`127.0.0.1:${p}`, found.get(`127.0.0.1:${p}`)]).toEqual([`127.0.0.1:${p}`, 'closed Connection refused']);
      expect([`${gateway}:${p}`, found.get(`${gateway}:${p}`)]).toEqual([
        `${gateway}:${p}`,
        'closed Connection refused',
      ]);
    }
  });

  it('runs on the Mammoth bridge with its port published on the node address, no capabilities, no new privileges', async () => {
    const c = await inspect('hostile');
    const { port } = await instanceOf('hostile');
    expect(c.HostConfig).toMatchObject({
      NetworkMode: 'mammoth',
      PortBindings: { [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: 512,
      ReadonlyRootfs: false,
    });
  });

  it('runs as the user asked for on a read-only root, still serving', async () => {
    await deploy('confined', { user: '65534:65534', readOnlyRootFs: true });
    const { host, port } = await instanceOf('confined');
    await eventually(
      async () => expect((await httpGet(`http://${host}:${port}/version.txt`))?.status).toBe(200),
      60_000,
    );
    const c = await inspect('confined');
    expect(c.Config.User).toBe('65534:65534');
    expect(c.HostConfig.ReadonlyRootfs).toBe(true);
  });

  it('host networking needs apps:hostnetwork by name (apps:* does not grant it), and then shares the host network', async () => {
    await cluster.gql(
      'mutation { putPolicy(name: "deployer", rules: [{capabilities: ["apps:*", "packages:read"], resources: ["*"]}]) { name } }',
    );
    const { createToken } = await cluster.gql<{ createToken: { secret: string } }>(
      'mutation { createToken(subject: "deployer", policies: ["deployer"]) { secret } }',
    );
    const res = await fetch(`${cluster.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${createToken.secret}` },
      body: JSON.stringify({
        query: DEPLOY,
        variables: {
          input: { name: 'on-host', package: 'hostile', instances: 1, cpus: 0.05, memoryMiB: 16, network: 'HOST' },
        },
      }),
    });
    const { errors } = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(errors[0]).toMatchObject({
      message: expect.stringContaining('deployer lacks the capability apps:hostnetwork on default/on-host'),
      extensions: { code: 'FORBIDDEN', capability: 'apps:hostnetwork', resource: 'default/on-host' },
    });
    await deploy('on-host', { network: 'HOST' });
    const found = await probeOf('on-host');
    expect(found.get(`127.0.0.1:${CP_PORT}`)).toBe('open');
    expect((await inspect('on-host')).HostConfig).toMatchObject({ NetworkMode: 'host', CapDrop: ['ALL'] });
  });
});
