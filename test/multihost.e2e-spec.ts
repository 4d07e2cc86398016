import { readFile } from 'node:fs/promises';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { buildTestImage, eventually } from './harness';
import { HostCluster } from './host-cluster';

const NODES = 3;

interface Instance {
  id: string;
  nodeId: string;
  host: string | null;
  port: number | null;
  state: string;
}

/** query runs one statement on a PostgreSQL server of the cluster and closes the connection. */
async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** viaEdge fetches a path from the edge host's nginx and returns the body and the upstream nginx chose. */
async function viaEdge(
  cluster: HostCluster,
  path: string,
): Promise<{ status: number; body: string; upstream: string }> {
  const res = await fetch(`${cluster.edgeUrl}${path}`, { signal: AbortSignal.timeout(3000) });
  return { status: res.status, body: await res.text(), upstream: res.headers.get('x-mammoth-upstream') ?? '' };
}

describe('many hosts on one machine: scripts/cluster.sh brings up the topology, and an app spreads across the node hosts', () => {
  let cluster: HostCluster;

  beforeAll(async () => {
    cluster = await HostCluster.up(NODES);
  }, 300_000);

  afterAll(async () => {
    await cluster?.down();
  }, 120_000);

  it('runs two control planes and registers each node host with its own address, label and Docker engine', async () => {
    for (const cp of cluster.controlPlanes) {
      const { nodes } = await cluster.gql<{
        nodes: { id: string; address: string; labels: { key: string; value: string }[] }[];
      }>('{ nodes { id address labels { key value } } }', {}, cp);
      expect(nodes.map((n) => n.id).sort()).toEqual(['node1', 'node2', 'node3']);
      for (const n of nodes) {
        const i = Number(n.id.slice('node'.length));
        expect(n.address).toBe(cluster.nodeAddress(i));
        expect(n.labels).toContainEqual({ key: 'host', value: n.id });
      }
    }
    const roots = await Promise.all(
      [1, 2, 3].map(async (i) => (await cluster.docker(i, ['info', '--format', '{{.DockerRootDir}}'])).trim()),
    );
    expect(new Set(roots).size).toBe(NODES);
    roots.forEach((root, i) => expect(root).toMatch(new RegExp(`/cluster-${cluster.index}/node${i + 1}/docker/data$`)));
  });

  it('keeps the event topics on three brokers with min.insync.replicas=2', async () => {
    const kafka = new Kafka({ brokers: cluster.settings.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).brokers).toHaveLength(3);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith('mammoth.'));
      expect(topics).toEqual(
        expect.arrayContaining(['mammoth.events.app', 'mammoth.events.node', 'mammoth.heartbeats']),
      );
      for (const t of (await admin.fetchTopicMetadata({ topics })).topics)
        for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: 2, name, configNames: ['min.insync.replicas'] })),
      });
      for (const r of configs.resources)
        expect(r.configEntries).toEqual([expect.objectContaining({ configValue: '2' })]);
    } finally {
      await admin.disconnect();
    }
  });

  it('serves the database from a primary behind the service address, streaming synchronously to a standby', async () => {
    expect(
      await query(
        cluster.settings.DB_PRIMARY_URL,
        'SELECT application_name, state, sync_state FROM pg_stat_replication',
      ),
    ).toEqual([{ application_name: 'db2', state: 'streaming', sync_state: 'sync' }]);
    expect(await query(cluster.settings.DATABASE_URL, 'SELECT pg_is_in_recovery() AS standby')).toEqual([
      { standby: false },
    ]);
    expect(await query(cluster.settings.DB_STANDBY_URL, 'SELECT pg_is_in_recovery() AS standby')).toEqual([
      { standby: true },
    ]);
    const [{ n }] = await query<{ n: string }>(cluster.settings.DB_STANDBY_URL, 'SELECT count(*) AS n FROM events');
    expect(Number(n)).toBeGreaterThan(0);
  });

  it('spreads 6 instances 2 per node host, each serving on its host address, and the edge nginx reaches all 6', async () => {
    const image = await buildTestImage('mammoth-e2e/multihost:1', 'multihost');
    expect(await cluster.upload(new Blob([await readFile(image)]), { name: 'spread', version: '1' })).toBe(201);
    await cluster.gql('mutation($input: DeployAppInput!) { deployApp(input: $input) { name } }', {
      input: {
        name: 'spread',
        package: 'spread',
        version: '1',
        instances: 6,
        cpus: 0.1,
        memoryMiB: 32,
        constraints: [{ kind: 'max-per', key: 'host' }],
      },
    });
    const running = await runningInstances(cluster, 6);
    expect(perNode(running)).toEqual({ node1: 2, node2: 2, node3: 2 });
    for (let n = 1; n <= NODES; n++) {
      // Each runs in its own host's engine, and answers on its host's address.
      const containers = await cluster.docker(n, ['ps', '-q', '--filter', 'label=mammoth.app=spread']);
      expect(containers.trim().split('\n')).toHaveLength(2);
      for (const i of running.filter((i) => i.nodeId === `node${n}`)) {
        expect(i.host).toBe(cluster.nodeAddress(n));
        const res = await fetch(`http://${i.host}:${i.port}/version.txt`, { signal: AbortSignal.timeout(3000) });
        expect(await res.text()).toContain('mammoth-e2e/multihost:1');
      }
    }
    const endpoints = running.map((i) => `${i.host}:${i.port}`);
    expect(new Set(endpoints).size).toBe(6);
    expect(await edgeReaches(cluster, endpoints)).toEqual(endpoints.sort());
  });

  it('keeps working through the other control plane when one dies: node daemons and the edge fail over to it', async () => {
    await cluster.kill('control-plane-cp1');
    const other = cluster.controlPlanes[1];
    await cluster.gql('mutation { scaleApp(name: "spread", instances: 9) { desired } }', {}, other);
    const running = await runningInstances(cluster, 9, other);
    expect(perNode(running)).toEqual({ node1: 3, node2: 3, node3: 3 });
    const endpoints = running.map((i) => `${i.host}:${i.port}`);
    expect(await edgeReaches(cluster, endpoints)).toEqual(endpoints.sort());
  });
});

/** runningInstances waits until the app "spread" has `count` running instances, as a control plane reports them. */
function runningInstances(cluster: HostCluster, count: number, controlPlane?: string): Promise<Instance[]> {
  return eventually(
    async () => {
      const { app } = await cluster.gql<{ app: { instances: Instance[] } }>(
        '{ app(name: "spread") { instances { id nodeId host port state } } }',
        {},
        controlPlane,
      );
      const up = app.instances.filter((i) => i.state === 'running');
      if (up.length !== count) throw new Error(`${up.length} of ${count} running`);
      return up;
    },
    120_000,
    500,
  );
}

/** perNode counts instances by node. */
function perNode(instances: readonly Instance[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of instances) counts[i.nodeId] = (counts[i.nodeId] ?? 0) + 1;
  return counts;
}

/** edgeReaches asks the edge nginx for the app until every endpoint has answered, and returns the upstreams that answered. */
async function edgeReaches(cluster: HostCluster, endpoints: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  await eventually(
    async () => {
      for (let k = 0; k < 4 * endpoints.length; k++) {
        const answer = await viaEdge(cluster, '/apps/spread/version.txt');
        if (answer.status === 200 && answer.body.includes('mammoth-e2e/multihost:1')) seen.add(answer.upstream);
      }
      if (endpoints.some((e) => !seen.has(e)))
        throw new Error(`the edge reached ${[...seen].sort().join(', ')} so far`);
    },
    60_000,
    500,
  );
  return [...seen].sort();
}
