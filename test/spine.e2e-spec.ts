import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, GqlError, buildTestImage, eventually, httpGet, testPort } from './harness';

const run = promisify(execFile);

interface AppView {
  name: string;
  desired: number;
  running: number;
  instances: {
    id: string;
    nodeId: string;
    host: string;
    port: number;
    state: string;
    desired: string;
    containerId: string | null;
  }[];
}

const APP_QUERY = `query($name: String!) { app(name: $name) { name desired running instances { id nodeId host port state desired containerId } } }`;

describe('the event-sourced spine: a real image deployed through PostgreSQL, Kafka and Docker', () => {
  const cluster = new Cluster({ from: testPort(32000), to: testPort(32049) }, testPort(18181));
  let imageTar: Buffer;

  beforeAll(async () => {
    const path = await buildTestImage('mammoth-e2e/hello:1', 'hello from spine v1');
    imageTar = await readFile(path);
    await cluster.start();
  });

  afterAll(() => cluster.stop());

  const app = async (name: string) => (await cluster.gql<{ app: AppView | null }>(APP_QUERY, { name })).app;
  const runningInstances = async (name: string, count: number) =>
    eventually(
      async () => {
        const a = await app(name);
        const running = a?.instances.filter((i) => i.state === 'running' && i.desired === 'run') ?? [];
        if (running.length !== count || a!.instances.length !== count)
          throw new Error(`want ${count} running, have ${JSON.stringify(a?.instances)}`);
        return running;
      },
      90000,
      250,
    );

  it('shows this machine as a node with its resources, port range, labels, status and a recent heartbeat', async () => {
    const { nodes } = await cluster.gql<{
      nodes: {
        id: string;
        cpus: number;
        memoryMiB: number;
        portFrom: number;
        portTo: number;
        status: string;
        lastHeartbeatAt: string | null;
        driver: string;
      }[];
    }>('{ nodes { id cpus memoryMiB diskMiB portFrom portTo labels { key value } driver status lastHeartbeatAt } }');
    const node = nodes.find((n) => n.id === cluster.nodeId)!;
    expect(node).toMatchObject({
      portFrom: testPort(32000),
      portTo: testPort(32049),
      status: 'ready',
      driver: 'docker',
    });
    expect(node.cpus).toBeGreaterThan(0);
    expect(node.memoryMiB).toBeGreaterThan(100);
    const beat = await eventually(async () => {
      const r = await cluster.gql<{ nodes: { id: string; lastHeartbeatAt: string | null }[] }>(
        '{ nodes { id lastHeartbeatAt } }',
      );
      const at = r.nodes.find((n) => n.id === cluster.nodeId)?.lastHeartbeatAt;
      if (!at) throw new Error('no heartbeat yet');
      return at;
    });
    expect(Date.now() - Date.parse(beat)).toBeLessThan(30000);
  });

  it('rejects bad input with a typed error naming the field, and writes no event', async () => {
    const before = await cluster.eventCount();
    const notTar = await cluster.upload(new Blob(['this is not a tarball']), { name: 'junk', version: '1' });
    expect(notTar.status).toBe(400);
    expect(notTar.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'file' });

    const deploy = (input: Record<string, unknown>) =>
      cluster.gql('mutation($input: DeployAppInput!) { deployApp(input: $input) { name } }', {
        input: { name: 'bad', package: 'hello', instances: 1, cpus: 0.1, memoryMiB: 32, ...input },
      });
    await expect(deploy({ package: 'no-such-package' })).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'package' });

    await cluster.upload(new Blob([imageTar]));
    const afterUpload = await cluster.eventCount();
    expect(afterUpload).toBe(before + 1);
    await expect(deploy({ instances: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'instances' });
    const tooBig = deploy({ memoryMiB: 1024 * 1024 }); // 1 TiB: a valid size no node here has
    await expect(tooBig).rejects.toMatchObject({ code: 'CANNOT_PLACE', field: 'memory' });
    await expect(tooBig).rejects.toThrow(/cannot place: memory \d+ MiB exceeds the largest node's \d+ MiB/);
    await expect(deploy({ name: 'Not_A_Name' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'name' });
    await expect(cluster.gql('mutation { scaleApp(name: "ghost", instances: 2) { name } }')).rejects.toBeInstanceOf(
      GqlError,
    );
    expect(await cluster.eventCount()).toBe(afterUpload);
  });

  it('deploys the image: containers run on the Mammoth bridge with limits, PORT published on the node address, answering HTTP', async () => {
    const uploaded = await cluster.upload(new Blob([imageTar]));
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      name: 'hello',
      version: '1',
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });

    await cluster.gql(
      'mutation { deployApp(input: { name: "web", package: "hello", instances: 2, cpus: 0.25, memoryMiB: 64 }) { name } }',
    );
    const running = await runningInstances('web', 2);
    expect(new Set(running.map((i) => i.port)).size).toBe(2);
    for (const inst of running) {
      expect(inst.port).toBeGreaterThanOrEqual(testPort(32000));
      expect(inst.port).toBeLessThanOrEqual(testPort(32049));
      const res = await eventually(async () => {
        const r = await httpGet(`http://127.0.0.1:${inst.port}/`);
        if (!r) throw new Error(`nothing answers on ${inst.port}`);
        return r;
      });
      expect(res.status).toBe(200);
      expect(res.body).toContain('hello from spine v1');
      const { stdout } = await run('docker', [
        'inspect',
        '--format',
        '{{.HostConfig.NetworkMode}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{index .Config.Labels "mammoth.app"}} {{json .HostConfig.PortBindings}}',
        inst.containerId!,
      ]);
      expect(stdout.trim()).toBe(
        `mammoth ${64 * 1024 * 1024} 250000000 web {"${inst.port}/tcp":[{"HostIp":"127.0.0.1","HostPort":"${inst.port}"}]}`,
      );
      const env = (await run('docker', ['inspect', '--format', '{{json .Config.Env}}', inst.containerId!])).stdout;
      expect(JSON.parse(env)).toContain(`PORT=${inst.port}`);
    }
  });

  it('scales up and down; the containers follow', async () => {
    await cluster.gql('mutation { scaleApp(name: "web", instances: 4) { desired } }');
    await runningInstances('web', 4);
    expect((await cluster.containers()).filter((c) => c.state === 'running')).toHaveLength(4);
    await cluster.gql('mutation { scaleApp(name: "web", instances: 1) { desired } }');
    const [left] = await runningInstances('web', 1);
    await eventually(async () => {
      const cs = await cluster.containers();
      if (cs.length !== 1 || cs[0].instance !== left.id) throw new Error(`containers: ${JSON.stringify(cs)}`);
    });
  });

  it('a node daemon killed with -9 adopts its running containers on restart and starts no duplicate', async () => {
    await cluster.gql('mutation { scaleApp(name: "web", instances: 3) { desired } }');
    const before = await runningInstances('web', 3);
    const containersBefore = (await cluster.containers()).map((c) => c.id).sort();
    expect(containersBefore).toHaveLength(3);

    await cluster.daemon.kill9();
    cluster.daemon = cluster.newDaemon().start();
    // Give the restarted daemon several reconcile passes before counting.
    await eventually(async () => {
      const log = await readFile(`${cluster.runDir}/node-daemon.log`, 'utf8');
      if ((log.match(/registered/gi) ?? []).length < 2) throw new Error('daemon has not re-registered yet');
    }, 60000);
    await new Promise((r) => setTimeout(r, 5000));
    const containersAfter = (await cluster.containers()).map((c) => c.id).sort();
    expect(containersAfter).toEqual(containersBefore);
    const after = await runningInstances('web', 3);
    expect(after.map((i) => i.containerId).sort()).toEqual(before.map((i) => i.containerId).sort());
  });

  it('removeApp stops and removes every container, and the log tells the story', async () => {
    await cluster.gql('mutation { removeApp(name: "web") }');
    await eventually(async () => {
      const cs = await cluster.containers();
      if (cs.length !== 0) throw new Error(`containers left: ${cs.length}`);
    }, 60000);
    const { apps } = await cluster.gql<{ apps: { name: string }[] }>('{ apps { name } }');
    expect(apps.map((a) => a.name)).not.toContain('web');
    const { events } = await cluster.gql<{
      events: { type: string; streamId: string; data: { app?: string; name?: string }; metadata: { actor: string } }[];
    }>('{ events(after: "0", limit: 1000, filter: { app: "web" }) { type streamId data metadata { actor } } }');
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('AppDeployed');
    expect(types).toContain('InstanceRunning');
    expect(types).toContain('AppRemoved');
    expect(types.filter((t) => t === 'InstanceStopped').length).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.streamId !== 'app-web' && e.data.app !== 'web')).toEqual([]);
    expect(
      events.filter((e) => e.type === 'InstanceRunning').every((e) => e.metadata.actor === `node:${cluster.nodeId}`),
    ).toBe(true);
  });
});
