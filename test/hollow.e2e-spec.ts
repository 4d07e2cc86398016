import { readFile } from 'node:fs/promises';
import { Cluster, buildTestImage, eventually, testPort } from './harness';

interface NodeView {
  id: string;
  driver: string;
  status: string;
  cpus: number;
  memoryMiB: number;
  labels: { key: string; value: string }[];
  lastHeartbeatAt: string | null;
}
interface InstanceView {
  id: string;
  nodeId: string;
  state: string;
  desired: string;
  containerId: string | null;
}

const COUNT = 50;
const NODES_QUERY = '{ nodes { id driver status cpus memoryMiB labels { key value } lastHeartbeatAt } }';
const APP_QUERY =
  'query($name: String!) { app(name: $name) { desired running instances { id nodeId state desired containerId } } }';

describe(`hollow nodes: one sim daemon process runs ${COUNT} nodes against the real control plane, Kafka and projector`, () => {
  const cluster = new Cluster({ from: testPort(33000), to: testPort(33099) }, testPort(18282), {
    count: COUNT,
    env: { SIM_RACKS: '5', SIM_ZONES: '2', NODE_CPUS: '2', NODE_MEMORY_MIB: '4096', NODE_DISK_MIB: '10240' },
  });
  const ids = Array.from({ length: COUNT }, (_, i) => `${cluster.nodeId}-${i}`);
  const mine = (nodes: NodeView[]) => nodes.filter((n) => ids.includes(n.id));

  beforeAll(async () => {
    const image = await readFile(await buildTestImage('mammoth-e2e/hollow:1', 'hollow'));
    await cluster.start();
    const uploaded = await cluster.upload(new Blob([image]), { name: 'hollow', version: '1' });
    expect(uploaded.status).toBe(201);
  });

  afterAll(() => cluster.stop());

  const app = async (name: string) =>
    (
      await cluster.gql<{ app: { desired: number; running: number; instances: InstanceView[] } | null }>(APP_QUERY, {
        name,
      })
    ).app;
  const settled = (name: string, count: number) =>
    eventually(
      async () => {
        const a = await app(name);
        const running = a?.instances.filter((i) => i.state === 'running' && i.desired === 'run') ?? [];
        if (running.length !== count || a!.instances.length !== count)
          throw new Error(`${name}: want ${count} running, have ${running.length} of ${a?.instances.length}`);
        return running;
      },
      45000,
      250,
    );

  it('registers every hollow node with its own identity, sim driver, resources and rack/zone labels, and each heartbeats', async () => {
    const nodes = mine((await cluster.gql<{ nodes: NodeView[] }>(NODES_QUERY)).nodes);
    expect(nodes.map((n) => n.id).sort()).toEqual([...ids].sort());
    expect(nodes.every((n) => n.driver === 'sim' && n.status === 'ready' && n.cpus === 2 && n.memoryMiB === 4096)).toBe(
      true,
    );
    const label = (n: NodeView, key: string) => n.labels.find((l) => l.key === key)?.value;
    const n7 = nodes.find((n) => n.id === `${cluster.nodeId}-7`)!;
    expect([label(n7, 'rack'), label(n7, 'zone')]).toEqual(['r2', 'z1']);
    expect(new Set(nodes.map((n) => label(n, 'rack')))).toEqual(new Set(['r0', 'r1', 'r2', 'r3', 'r4']));

    const beats = async () => {
      const all = mine((await cluster.gql<{ nodes: NodeView[] }>(NODES_QUERY)).nodes);
      const missing = all.filter((n) => !n.lastHeartbeatAt);
      if (missing.length) throw new Error(`${missing.length} node(s) without a heartbeat`);
      return new Map(all.map((n) => [n.id, Date.parse(n.lastHeartbeatAt!)]));
    };
    const first = await eventually(beats, 20000, 250);
    const later = await eventually(
      async () => {
        const b = await beats();
        const stale = ids.filter((id) => b.get(id)! <= first.get(id)!);
        if (stale.length) throw new Error(`${stale.length} node(s) have not heartbeated again`);
        return b;
      },
      20000,
      250,
    );
    expect(Math.max(...[...later.values()].map((t) => Date.now() - t))).toBeLessThan(15000);
  });

  it('deploys 200 instances that the hollow nodes run and report: all running in the registry, spread over every node', async () => {
    await cluster.gql(
      'mutation { deployApp(input: { name: "swarm", package: "hollow", instances: 200, cpus: 0.1, memoryMiB: 64 }) { name } }',
    );
    const running = await settled('swarm', 200);
    const perNode = new Map<string, number>();
    for (const i of running) perNode.set(i.nodeId, (perNode.get(i.nodeId) ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual([...ids].sort());
    expect(Math.max(...perNode.values())).toBeLessThanOrEqual(8);
    expect(running.every((i) => /^[0-9a-f]{64}$/.test(i.containerId ?? ''))).toBe(true);
    expect(new Set(running.map((i) => i.containerId)).size).toBe(200);

    // Reports travel in calls merged across nodes, each InstanceRunning naming the node that runs it; the actor is the
    // subject of the fleet's token.
    const r = await cluster.pool.query<{ actor: string; node: string }>(
      `SELECT metadata->>'actor' AS actor, data->>'nodeId' AS node FROM events WHERE type = 'InstanceRunning' AND data->>'app' = 'swarm'`,
    );
    expect(r.rows).toHaveLength(200);
    expect(r.rows.every((row) => row.actor === `fleet:${cluster.nodeId}` && ids.includes(row.node))).toBe(true);
  });

  it('honours a rack constraint on the hollow nodes labels', async () => {
    await cluster.gql(
      'mutation { deployApp(input: { name: "racked", package: "hollow", instances: 12, cpus: 0.1, memoryMiB: 64, constraints: [{ kind: "label", key: "rack", op: "in", values: ["r1"] }] }) { name } }',
    );
    const running = await settled('racked', 12);
    const rackOf = (nodeId: string) => `r${Number(nodeId.slice(nodeId.lastIndexOf('-') + 1)) % 5}`;
    expect(new Set(running.map((i) => rackOf(i.nodeId)))).toEqual(new Set(['r1']));
  });

  it('scales down: the hollow nodes stop the extra instances and report them stopped', async () => {
    await cluster.gql('mutation { scaleApp(name: "swarm", instances: 20) { desired } }');
    await settled('swarm', 20);
    await eventually(
      async () => {
        const r = await cluster.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM rm_instances WHERE app = 'swarm' AND desired = 'stop' AND state = 'stopped'`,
        );
        if (Number(r.rows[0].n) !== 180) throw new Error(`${r.rows[0].n} of 180 stopped`);
      },
      30000,
      250,
    );
  });
});
