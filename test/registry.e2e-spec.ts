import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, buildTestImage, eventually, testPort } from './harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

/** SPEC is every field of an app the write side decides: what deployApp and updateApp answer and app(name) must repeat. */
const SPEC = `name status package { name version digest imageRef } desired cpus memoryMiB diskMiB strategy
  constraints { kind key op values max }
  healthCheck { kind path expectedStatus command intervalMs timeoutMs gracePeriodMs unhealthyThreshold healthyThreshold }
  maxRestarts restartWindowMs pending { count reasons rejections { reason nodes } } rollout { from to phase canaryWeight }`;
/** PLACED is what the write side knows of an app's instances: where it placed them. */
const PLACED = `instances { id nodeId host port desired }`;

interface Instance {
  id: string;
  nodeId: string;
  host: string;
  port: number;
  desired: string;
  state?: string;
}
type App = Record<string, unknown> & { package: { version: string }; rollout: unknown; instances: Instance[] };

describe('the registry answers what the write side answers, and every instance reaches a final state', () => {
  const cluster = new Cluster({ from: testPort(32700), to: testPort(32749) }, testPort(19191));

  beforeAll(async () => {
    const v1 = await buildTestImage('mammoth-e2e/registry:1', 'registry v1');
    const v2 = await buildTestImage('mammoth-e2e/registry:2', 'registry v2');
    await cluster.start();
    for (const [path, version] of [
      [v1, '1'],
      [v2, '2'],
    ])
      expect((await cluster.upload(new Blob([await readFile(path)]), { name: 'shop', version })).status).toBe(201);
  });

  afterAll(() => cluster.stop());

  const app = async (name: string, fields = `${SPEC} ${PLACED}`) =>
    (await cluster.gql<{ app: App | null }>(`query($name: String!) { app(name: $name) { ${fields} } }`, { name })).app;
  /** projected waits until app(name) answers `expected` (the selected fields only). */
  const projected = (name: string, expected: unknown, fields?: string) =>
    eventually(
      async () => {
        const a = await app(name, fields);
        expect(a).toEqual(expected);
        return a!;
      },
      60_000,
      200,
    );
  const deploy = async (input: Record<string, unknown>) =>
    (
      await cluster.gql<{ deployApp: App }>(
        `mutation($input: DeployAppInput!) { deployApp(input: $input) { ${SPEC} ${PLACED} } }`,
        { input: { package: 'shop', cpus: 0.05, memoryMiB: 16, ...input } },
      )
    ).deployApp;
  const rebuildRegistry = async () => {
    const main = join(ROOT, 'dist', 'apps', 'projector', 'src', 'main.js');
    const { stdout } = await run(process.execPath, [main, 'rebuild', 'registry'], {
      env: { ...process.env, DATABASE_URL: cluster.db.url },
    });
    expect(stdout).toContain('done');
  };
  /** frozenNode runs `during` with the node daemon frozen (SIGSTOP), so it meets every event of it in one go when thawed. */
  const frozenNode = async <T>(during: () => Promise<T>): Promise<T> => {
    cluster.daemon.signal('SIGSTOP');
    try {
      return await during();
    } finally {
      cluster.daemon.signal('SIGCONT');
    }
  };
  /** unstopped lists the instances the log asked to stop (or lost) that their node never reported stopped. */
  const unstopped = async () =>
    (
      await cluster.pool.query<{ id: string }>(
        `SELECT data->>'instanceId' AS id FROM events WHERE type IN ('InstanceStopRequested', 'InstanceLost')
         EXCEPT SELECT data->>'instanceId' FROM events WHERE type = 'InstanceStopped'`,
      )
    ).rows.map((r) => r.id);

  it('deployApp answers what app(name) returns once projected, and again after a rebuild of the registry', async () => {
    const answer = await deploy({
      name: 'shop',
      version: '1',
      instances: 2,
      strategy: 'binpack',
      constraints: [{ kind: 'label', key: 'zone', op: 'not-in', values: ['nowhere'] }],
      healthCheck: { kind: 'HTTP', path: '/', intervalMs: 500, timeoutMs: 1000 },
      maxRestarts: 3,
      restartWindowMs: 60000,
    });
    expect(answer).toMatchObject({
      strategy: 'binpack',
      constraints: [{ kind: 'label', key: 'zone', op: 'not-in', values: ['nowhere'], max: null }],
    });
    await projected('shop', answer);
    await rebuildRegistry();
    await projected('shop', answer);
  });

  it('updateApp answers what app(name) returns; once the rollout completes it shows the new version, after a rebuild too', async () => {
    const { updateApp } = await cluster.gql<{ updateApp: App }>(
      `mutation { updateApp(input: { name: "shop", package: "shop", version: "2", canary: { instances: 1, weight: 20 } }) { ${SPEC} } }`,
    );
    expect(updateApp).toMatchObject({ package: { version: '2' }, rollout: { from: '1', to: '2', phase: 'canary' } });
    await projected('shop', updateApp, SPEC);
    await cluster.gql('mutation { promoteApp(name: "shop") { name } }');
    const done = await eventually(
      async () => {
        const a = (await app('shop', `${SPEC} instances { id nodeId host port desired state }`))!;
        const serving = a.instances.filter((i) => i.desired === 'run' && i.state === 'running');
        // Settled: the rollout is over and the old instances are stopped for good (no longer listed).
        if (a.rollout !== null || serving.length !== 2 || a.instances.length !== 2)
          throw new Error(`rolling: ${JSON.stringify(a)}`);
        return a;
      },
      120_000,
      250,
    );
    expect(done.package).toMatchObject({ name: 'shop', version: '2' });
    const { events } = await cluster.gql<{ events: { type: string }[] }>(
      '{ events(after: "0", limit: 1000, filter: { app: "shop", types: ["AppUpdateCompleted"] }) { type } }',
    );
    expect(events).toHaveLength(1);
    await rebuildRegistry();
    await projected('shop', done, `${SPEC} instances { id nodeId host port desired state }`);
  });

  it('removeApp stops every instance for good, even those removed before their node started them; a redeploy lists only its own', async () => {
    await cluster.gql('mutation { removeApp(name: "shop") }');
    // The node sees the deploy, the removal and the redeploy at once: most instances are unassigned before it starts them.
    const [quick, again] = await frozenNode(async () => {
      const first = await deploy({ name: 'shop', version: '1', instances: 3 });
      await cluster.gql('mutation { removeApp(name: "shop") }');
      const second = await deploy({ name: 'shop', version: '2', instances: 1 });
      // While the node cannot have stopped anything, the earlier incarnation's instances are all 'stopping': unlisted.
      await projected('shop', { instances: second.instances }, PLACED);
      return [first, second];
    });
    const earlier = new Set(quick.instances.map((i) => i.id));
    await eventually(
      async () => {
        expect(await unstopped()).toEqual([]);
        const a = (await app('shop', 'status instances { id nodeId host port desired state }'))!;
        expect(a.instances.map((i) => i.id)).toEqual(again.instances.map((i) => i.id));
        expect(a.instances.filter((i) => earlier.has(i.id) || i.state === 'stopping')).toEqual([]);
      },
      60_000,
      250,
    );
    await eventually(async () => {
      const running = (await cluster.containers()).filter((c) => c.state === 'running');
      expect(running.map((c) => c.instance)).toEqual(again.instances.map((i) => i.id));
    }, 60_000);
    await cluster.gql('mutation { removeApp(name: "shop") }');
  });

  it('a storm of concurrent deploy, scale and remove calls ends with no instance stuck stopping and capacity that adds up', async () => {
    const names = ['s1', 's2', 's3'];
    const calls = () =>
      Array.from({ length: 30 }, (_, i) => {
        const name = names[i % names.length];
        const op = (i + Math.floor(i / names.length)) % 3; // each app is deployed, scaled and removed in turn
        if (op === 0) return deploy({ name, version: '1', instances: 1 + (i % 2) });
        if (op === 1) return cluster.gql(`mutation { scaleApp(name: "${name}", instances: ${i % 3}) { desired } }`);
        return cluster.gql(`mutation { removeApp(name: "${name}") }`);
      });
    const outcomes = await frozenNode(() => Promise.allSettled(calls()));
    // Refusals (no such app, already exists, contention) are the storm's nature; anything else is a bug.
    for (const o of outcomes)
      if (o.status === 'rejected') expect(String(o.reason)).toMatch(/no app named|already exists|contention/);
    await eventually(
      async () => {
        expect(await unstopped()).toEqual([]);
        const stuck = await cluster.pool.query(`SELECT instance_id FROM rm_instances WHERE state = 'stopping'`);
        expect(stuck.rows).toEqual([]);
        const { apps, capacity } = await cluster.gql<{
          apps: { desired: number; cpus: number; memoryMiB: number; instances: Instance[] }[];
          capacity: { nodes: { instances: number; allocated: { cpus: number; memoryMiB: number } }[] };
        }>(
          '{ apps { desired cpus memoryMiB instances { id desired state } } capacity { nodes { instances allocated { cpus memoryMiB } } } }',
        );
        const wanted = apps.reduce((n, a) => n + a.desired, 0);
        expect(apps.map((a) => a.instances.length)).toEqual(apps.map((a) => a.desired));
        expect(apps.flatMap((a) => a.instances).every((i) => i.desired === 'run' && i.state === 'running')).toBe(true);
        const [node] = capacity.nodes;
        expect(node.instances).toBe(wanted);
        expect(node.allocated.memoryMiB).toBe(apps.reduce((m, a) => m + a.desired * a.memoryMiB, 0));
        expect((await cluster.containers()).filter((c) => c.state === 'running')).toHaveLength(wanted);
      },
      120_000,
      500,
    );
  });
});
