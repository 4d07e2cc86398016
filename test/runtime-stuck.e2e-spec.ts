import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DockerSocketProxy } from '../apps/node-daemon/src/testing/docker-socket-proxy';
import { Cluster, MammothProcess, buildTestImage, eventually, testPort } from './harness';

const run = promisify(execFile);

interface InstanceView {
  id: string;
  nodeId: string;
  state: string;
}
interface EventView {
  type: string;
  streamId: string;
  data: { reason?: string };
}

const APP_QUERY = `query($name: String!) { app(name: $name) { running instances { id nodeId state } } }`;

describe('a node whose container runtime hangs reports itself not ready, and its work is replaced', () => {
  const cluster = new Cluster({ from: testPort(32500), to: testPort(32524) }, testPort(18989), undefined, {
    controlPlaneEnv: { NODE_LOST_AFTER_MS: '3000', FAILURE_DETECTOR_LEASE_RETRY_MS: '500' },
  });
  const nodeB = `${cluster.nodeId}-b`;
  // Node B reaches the real engine through a socket this test can freeze, as a dockerd stopped with SIGSTOP.
  const proxy = new DockerSocketProxy(join(cluster.runDir, 'docker-b.sock'), '/var/run/docker.sock');
  let daemonB: MammothProcess;

  const app = async () =>
    (await cluster.gql<{ app: { running: number; instances: InstanceView[] } }>(APP_QUERY, { name: 'stuck' })).app;
  const nodeEvents = async () =>
    (
      await cluster.gql<{ events: EventView[] }>(
        `query($node: String!) { events(after: "0", limit: 1000, filter: { node: $node }) { type streamId data } }`,
        { node: nodeB },
      )
    ).events;

  beforeAll(async () => {
    const image = await readFile(await buildTestImage('mammoth-e2e/stuck:1', 'stuck runtime'));
    await proxy.listen();
    await cluster.start();
    daemonB = (
      await cluster.newDaemonFor(
        nodeB,
        { from: testPort(32525), to: testPort(32549) },
        {
          DOCKER_SOCKET: proxy.path,
          DOCKER_CALL_TIMEOUT_MS: '1000',
          RUNTIME_STUCK_AFTER_MS: '2000',
          RECONCILE_INTERVAL_MS: '500',
        },
      )
    ).start();
    expect((await cluster.upload(new Blob([image]))).status).toBe(201);
    await eventually(
      async () => {
        const { nodes } = await cluster.gql<{ nodes: { id: string; status: string }[] }>('{ nodes { id status } }');
        if (nodes.filter((n) => n.status === 'ready').length !== 2) throw new Error(`nodes: ${JSON.stringify(nodes)}`);
      },
      60000,
      250,
    );
  });

  afterAll(async () => {
    proxy.thaw();
    await daemonB?.stop();
    const ids = (await cluster.containers(nodeB)).map((c) => c.id);
    if (ids.length) await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
    await cluster.stop();
    await proxy.close();
  });

  it('declares the node lost with the runtime as the reason, places its instance elsewhere, and recovers it', async () => {
    await cluster.gql(
      `mutation { deployApp(input: { name: "stuck", package: "stuck", instances: 2, cpus: 0.05, memoryMiB: 16 }) { name } }`,
    );
    const placed = await eventually(async () => {
      const a = await app();
      if (a.running !== 2) throw new Error(`running ${a.running}`);
      return a.instances;
    }, 60000);
    const onB = placed.filter((i) => i.nodeId === nodeB).map((i) => i.id);
    expect(onB).toHaveLength(1); // spread: one on each node

    proxy.freeze();
    const lost = await eventually(async () => {
      const e = (await nodeEvents()).find((x) => x.type === 'NodeLost');
      if (!e) throw new Error('node B not declared lost yet');
      return e;
    }, 60000);
    expect(lost.data.reason).toMatch(
      /^not ready: its container runtime has not answered since .*: docker list did not answer within 1000 ms; no ready heartbeat for/,
    );
    await eventually(async () => {
      const a = await app();
      const running = a.instances.filter((i) => i.state === 'running' && i.nodeId !== nodeB);
      if (running.length !== 2) throw new Error(`running on the other node: ${JSON.stringify(a.instances)}`);
    }, 60000);

    proxy.thaw();
    await eventually(async () => {
      if (!(await nodeEvents()).some((x) => x.type === 'NodeRecovered')) throw new Error('node B not recovered yet');
      const left = await cluster.containers(nodeB);
      if (left.length !== 0) throw new Error(`node B still runs ${left.length} stale container(s)`);
    }, 90000);
    const { nodes } = await cluster.gql<{ nodes: { id: string; status: string }[] }>('{ nodes { id status } }');
    expect(nodes.find((n) => n.id === nodeB)?.status).toBe('ready');
  });
});
