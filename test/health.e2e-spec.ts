import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Cluster, MammothProcess, buildTestImage, eventually, testPort } from './harness';

const run = promisify(execFile);

/** BACKOFF_MS is the instance-repair backoff: a replacement that fails too waits this long, the next twice that. */
const BACKOFF_MS = 2000;

interface InstanceView {
  id: string;
  nodeId: string;
  state: string;
  desired: string;
  health: string;
  healthMessage: string | null;
  restarts: number;
  lastExitCode: number | null;
  nextAttemptAt: string | null;
}
interface AppView {
  desired: number;
  running: number;
  healthy: number;
  healthCheck: { kind: string } | null;
  maxRestarts: number;
  instances: InstanceView[];
}
interface EventView {
  type: string;
  streamId: string;
  data: Record<string, unknown>;
  metadata: { actor: string; causationId: string | null; timestamp: string };
}

interface BackoffView {
  status: string;
  healthy: number;
  backoff: { reason: string; attempts: number; at: string; nextAttemptAt: string } | null;
}

const BACKOFF_QUERY = `query($name: String!) { app(name: $name) { status healthy backoff { reason attempts at nextAttemptAt } } }`;
const APP_QUERY = `query($name: String!) { app(name: $name) {
  desired running healthy healthCheck { kind } maxRestarts
  instances { id nodeId state desired health healthMessage restarts lastExitCode nextAttemptAt } } }`;
const DEPLOY = `mutation($input: DeployAppInput!) { deployApp(input: $input) { name instances { id nodeId } } }`;
const EVENTS_QUERY = `query($filter: EventFilterInput) { events(after: "0", limit: 10000, filter: $filter) { type streamId data metadata { actor causationId timestamp } } }`;
/** TCP_HEALTHY is a passing TCP check's message: a connect to a port of either node's range. */
const TCP_HEALTHY = new RegExp(
  `^connected to port (${Array.from({ length: 50 }, (_, i) => testPort(32300 + i)).join('|')})$`,
);
/** FAST checks every 300 ms and calls an instance unhealthy after two failures, so the suite stays short. */
const FAST = { intervalMs: 300, timeoutMs: 1000, unhealthyThreshold: 2 };

describe('instance failures: health checks replace unhealthy instances, crash loops move elsewhere', () => {
  const cluster = new Cluster({ from: testPort(32300), to: testPort(32324) }, testPort(18787), undefined, {
    controlPlaneEnv: {
      INSTANCE_REPAIR_WATCH_MS: '200',
      INSTANCE_REPAIR_SWEEP_MS: '3000',
      INSTANCE_REPAIR_BACKOFF_MS: String(BACKOFF_MS),
    },
  });
  const nodeB = `${cluster.nodeId}-b`;
  let daemonB: MammothProcess;

  beforeAll(async () => {
    const [web, crashy] = await Promise.all([
      buildTestImage('mammoth-e2e/healthy:1', 'health checks'),
      buildTestImage('mammoth-e2e/crashy:1', 'crash loop', { CRASH_EXIT: '3' }),
    ]);
    await cluster.start();
    daemonB = (await cluster.newDaemonFor(nodeB, { from: testPort(32325), to: testPort(32349) })).start();
    for (const file of [web, crashy]) expect((await cluster.upload(new Blob([await readFile(file)]))).status).toBe(201);
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
    await daemonB?.stop();
    const ids = (await cluster.containers(nodeB)).map((c) => c.id);
    if (ids.length) await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
    await cluster.stop();
  });

  const app = async (name: string) => (await cluster.gql<{ app: AppView | null }>(APP_QUERY, { name })).app;
  /** deploy deploys one instance of an app and returns it as the write side placed it. */
  const deploy = async (input: Record<string, unknown>) =>
    (
      await cluster.gql<{ deployApp: { instances: { id: string; nodeId: string }[] } }>(DEPLOY, {
        input: { instances: 1, cpus: 0.05, memoryMiB: 16, ...input },
      })
    ).deployApp.instances[0];
  const events = async (app: string, types: string[]) =>
    (await cluster.gql<{ events: EventView[] }>(EVENTS_QUERY, { filter: { app, types } })).events;
  const remove = (name: string) => cluster.gql(`mutation { removeApp(name: "${name}") }`);

  it('(a) HTTP, TCP and COMMAND checks that pass make instances healthy in the registry', async () => {
    await deploy({ name: 'hc-http', package: 'healthy', healthCheck: { kind: 'HTTP', path: '/healthz', ...FAST } });
    await deploy({ name: 'hc-tcp', package: 'healthy', healthCheck: { kind: 'TCP', ...FAST } });
    await deploy({
      name: 'hc-cmd',
      package: 'healthy',
      healthCheck: { kind: 'COMMAND', command: ['/bin/sh', '-c', 'test -f /www/index.html'], ...FAST },
    });
    for (const [name, kind, message] of [
      ['hc-http', 'HTTP', /^HTTP 200$/],
      ['hc-tcp', 'TCP', TCP_HEALTHY],
      ['hc-cmd', 'COMMAND', /^command exited 0$/],
    ] as const) {
      const a = await eventually(
        async () => {
          const got = await app(name);
          if (got?.healthy !== 1) throw new Error(`${name}: ${JSON.stringify(got)}`);
          return got;
        },
        30000,
        200,
      );
      expect(a).toMatchObject({ desired: 1, running: 1, healthy: 1, healthCheck: { kind } });
      expect(a.instances[0]).toMatchObject({
        state: 'running',
        health: 'healthy',
        healthMessage: expect.stringMatching(message),
      });
      const verdicts = await events(name, ['InstanceHealthChanged']);
      expect(verdicts.map((e) => e.data.healthy)).toEqual([true]);
    }
    expect(await events('hc-http', ['InstanceStopRequested'])).toEqual([]);
    await Promise.all(['hc-http', 'hc-tcp', 'hc-cmd'].map(remove));
    await expect(
      deploy({ name: 'hc-nopath', package: 'healthy', healthCheck: { kind: 'HTTP' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'healthCheck.path',
    });
    await expect(
      deploy({ name: 'hc-mixed', package: 'healthy', healthCheck: { kind: 'TCP', command: ['true'] } }),
    ).rejects.toMatchObject({
      field: 'healthCheck.command',
    });
  });

  it('(b) a failing HTTP check (404 on /nope) makes the instance unhealthy; it is stopped and replaced on the other node', async () => {
    const first = await deploy({
      name: 'hc-bad',
      package: 'healthy',
      healthCheck: { kind: 'HTTP', path: '/nope', gracePeriodMs: 0, ...FAST },
    });
    const stop = await eventually(
      async () => {
        const stops = (await events('hc-bad', ['InstanceStopRequested'])).filter((e) => e.data.instanceId === first.id);
        if (stops.length === 0) throw new Error('not replaced yet');
        return stops;
      },
      30000,
      200,
    );
    expect(stop).toHaveLength(1);
    expect(stop[0].data).toMatchObject({
      nodeId: first.nodeId,
      reason: 'unhealthy: HTTP 404 from GET /nope (expected 200)',
      replacedBy: expect.any(String),
    });
    expect(stop[0].metadata.actor).toBe('instance-repair');

    const log = await events('hc-bad', ['InstanceHealthChanged', 'InstanceStopRequested', 'InstancePlaced']);
    const verdict = log.find((e) => e.type === 'InstanceHealthChanged' && e.streamId === `instance-${first.id}`)!;
    expect(verdict.data).toMatchObject({ healthy: false, message: 'HTTP 404 from GET /nope (expected 200)' });
    expect(log.indexOf(verdict)).toBeLessThan(log.findIndex((e) => e.type === 'InstanceStopRequested'));
    const replacement = log.find((e) => e.type === 'InstancePlaced' && e.data.instanceId === stop[0].data.replacedBy)!;
    expect(replacement.data.nodeId).not.toBe(first.nodeId);

    // The replacement fails the same check: it is replaced too, but only after the backoff, and its own replacement after twice that.
    const stops = await eventually(
      async () => {
        const all = await events('hc-bad', ['InstanceStopRequested', 'InstancePlaced']);
        const chain = [stop[0]];
        for (
          let next = all.find(
            (e) => e.type === 'InstanceStopRequested' && e.data.instanceId === chain.at(-1)!.data.replacedBy,
          );
          next;
          next = all.find(
            (e) => e.type === 'InstanceStopRequested' && e.data.instanceId === chain.at(-1)!.data.replacedBy,
          )
        ) {
          chain.push(next);
        }
        if (chain.length < 3) throw new Error(`${chain.length} replacement(s) in the lineage so far`);
        return chain.map((s) => ({
          s,
          placedAt: Date.parse(
            all.find((e) => e.type === 'InstancePlaced' && e.data.instanceId === s.data.instanceId)!.metadata.timestamp,
          ),
        }));
      },
      60000,
      250,
    );
    const waited = stops.slice(1, 3).map(({ s, placedAt }) => Date.parse(s.metadata.timestamp) - placedAt);
    expect(waited[0]).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(waited[1]).toBeGreaterThanOrEqual(2 * BACKOFF_MS);

    // The registry read model follows the log: the verdict stays on the stopped instance's row.
    await eventually(
      async () => {
        const [row] = (
          await cluster.pool.query('SELECT health, health_message, desired FROM rm_instances WHERE instance_id = $1', [
            first.id,
          ])
        ).rows;
        expect(row).toMatchObject({
          health: 'unhealthy',
          health_message: 'HTTP 404 from GET /nope (expected 200)',
          desired: 'stop',
        });
      },
      15000,
      200,
    );
    await remove('hc-bad');
  });

  it('(c) a crash-looping container is restarted in place with backoff, visible in GraphQL, then rescheduled on the other node', async () => {
    const first = await deploy({ name: 'crashy', package: 'crashy', maxRestarts: 2, restartWindowMs: 60000 });
    const seen: InstanceView[] = [];
    const stop = await eventually(
      async () => {
        const mine = (await app('crashy'))?.instances.find((i) => i.id === first.id);
        if (mine) seen.push(mine);
        const stops = (await events('crashy', ['InstanceStopRequested'])).filter((e) => e.data.instanceId === first.id);
        if (stops.length === 0) throw new Error(`not rescheduled yet: ${JSON.stringify(mine)}`);
        return stops[0];
      },
      45000,
      100,
    );
    expect(seen.some((i) => i.restarts >= 1 && i.lastExitCode === 3)).toBe(true);
    expect(seen.some((i) => i.state === 'exited' && i.nextAttemptAt !== null && Date.parse(i.nextAttemptAt) > 0)).toBe(
      true,
    );

    expect(stop.data).toMatchObject({ nodeId: first.nodeId, replacedBy: expect.any(String) });
    expect(String(stop.data.reason)).toMatch(
      /^crash loop: exited 3 times within [\d.]+ s \(at most 2 restarts per 60 s\), last exit code 3$/,
    );
    const exits = (await events('crashy', ['InstanceExited'])).filter((e) => e.streamId === `instance-${first.id}`);
    expect(exits.length).toBeGreaterThanOrEqual(3);
    expect(exits[1].data).toMatchObject({ exitCode: 3, at: expect.any(String), nextAttemptAt: expect.any(String) });
    expect(
      Date.parse(String(exits[1].data.nextAttemptAt)) - Date.parse(String(exits[1].data.at)),
    ).toBeGreaterThanOrEqual(1000);
    const placed = (await events('crashy', ['InstancePlaced'])).find(
      (e) => e.data.instanceId === stop.data.replacedBy,
    )!;
    expect(placed.data.nodeId).not.toBe(first.nodeId);
    await remove('crashy');
  });

  it('(d) an app whose instances are all unhealthy is repaired ever more slowly (crash-loop-backoff); a healthy app beside it scales at once', async () => {
    const check = { kind: 'HTTP', path: '/nope', gracePeriodMs: 0, ...FAST };
    await deploy({ name: 'churn', package: 'healthy', instances: 2, healthCheck: check });
    await deploy({ name: 'steady', package: 'healthy', healthCheck: { kind: 'HTTP', path: '/healthz', ...FAST } });

    // Four repairs of the app in a row: each waits twice as long after the one before, whichever instance failed.
    const streak = await eventually(
      async () => {
        const backoffs = await events('churn', ['AppRepairBackedOff']);
        if (backoffs.length < 4) throw new Error(`${backoffs.length} repair(s) so far`);
        return backoffs.slice(0, 4);
      },
      90000,
      250,
    );
    expect(streak.map((e) => e.data.attempts)).toEqual([1, 2, 3, 4]);
    expect(streak.map((e) => Date.parse(String(e.data.nextAttemptAt)) - Date.parse(String(e.data.at)))).toEqual([
      BACKOFF_MS,
      2 * BACKOFF_MS,
      4 * BACKOFF_MS,
      8 * BACKOFF_MS,
    ]);
    const repairs = (await events('churn', ['InstanceStopRequested'])).filter(
      (e) => e.metadata.actor === 'instance-repair',
    );
    const times = repairs.slice(0, 4).map((e) => Date.parse(e.metadata.timestamp));
    expect(times.slice(1).map((t, k) => t - times[k] >= BACKOFF_MS * 2 ** k)).toEqual([true, true, true]);

    // The registry shows the backoff while the next repair waits.
    const shown = await eventually(
      async () => {
        const got = await cluster.gql<{ app: BackoffView }>(BACKOFF_QUERY, { name: 'churn' });
        if (got.app.status !== 'crash-loop-backoff') throw new Error(`churn: ${JSON.stringify(got.app)}`);
        return got.app;
      },
      30000,
      200,
    );
    expect(shown.backoff).toMatchObject({ reason: 'unhealthy: HTTP 404 from GET /nope (expected 200)' });
    expect(shown.backoff!.attempts).toBeGreaterThanOrEqual(1);
    expect(Date.parse(shown.backoff!.nextAttemptAt)).toBeGreaterThan(Date.parse(shown.backoff!.at));

    // Meanwhile the healthy app scales in one commit with its placements, and runs healthy, never backed off.
    await cluster.gql(`mutation { scaleApp(name: "steady", instances: 3) { name } }`);
    const scaled = await events('steady', ['AppScaled', 'InstancePlaced']);
    const scale = scaled.find((e) => e.type === 'AppScaled')!;
    expect(
      scaled.filter((e) => e.metadata.timestamp === scale.metadata.timestamp && e.type === 'InstancePlaced'),
    ).toHaveLength(2);
    const steady = await eventually(
      async () => {
        const got = await cluster.gql<{ app: BackoffView }>(BACKOFF_QUERY, { name: 'steady' });
        if (got.app.healthy !== 3) throw new Error(`steady: ${JSON.stringify(got.app)}`);
        return got.app;
      },
      30000,
      200,
    );
    expect(steady).toMatchObject({ status: 'deployed', backoff: null });
    expect(await events('steady', ['AppRepairBackedOff'])).toEqual([]);
    await Promise.all(['churn', 'steady'].map(remove));
  });
});
