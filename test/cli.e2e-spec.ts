import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { fetchSchema } from '../scripts/api-schema';
import { Cluster, buildTestImage, eventually, testPort } from './harness';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the mammoth CLI, built, against a real Mammoth', () => {
  const cluster = new Cluster({ from: testPort(32500), to: testPort(32549) }, testPort(18990));
  const home = mkdtempSync(join(tmpdir(), 'mammoth-cli-home-'));
  let images: { v1: string; v2: string };

  /** env is what a user's shell gives the CLI: the cluster's address and a token, and an empty home. */
  const env = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    MAMMOTH_ADDR: cluster.url,
    MAMMOTH_TOKEN: cluster.token,
  });

  /** mammoth runs the built binary to completion and returns its exit code and output. */
  async function mammoth(...args: string[]): Promise<CliResult> {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: env(), maxBuffer: 64 << 20 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      if (typeof e.code !== 'number') throw err;
      return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  beforeAll(async () => {
    const [v1, v2] = await Promise.all([
      buildTestImage('mammoth-e2e/cli:1', 'cli v1'),
      buildTestImage('mammoth-e2e/cli:2', 'cli v2'),
    ]);
    images = { v1, v2 };
    await cluster.start();
  });

  afterAll(async () => {
    await cluster.stop();
  });

  it('is typed against the schema the control plane serves (libs/api-client/schema.graphql)', async () => {
    const checkedIn = readFileSync(join(ROOT, 'libs', 'api-client', 'schema.graphql'), 'utf8');
    expect(await fetchSchema(cluster.url, cluster.token)).toBe(checkedIn);
  });

  it('pushes packages, showing upload progress, and lists them', async () => {
    const first = await mammoth('pkg', 'push', images.v1, '--name', 'hello', '--version', '1');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^Package:\s+hello:1$/m);
    expect(first.stderr).toMatch(/^uploading mammoth_e2e_cli_1\.tar: 1\.92 MiB\/1\.92 MiB$/m);
    expect((await mammoth('pkg', 'push', images.v2, '--name', 'hello', '--version', '2')).code).toBe(0);
    const ls = await mammoth('pkg', 'ls', '-o', 'json');
    expect(ls.code).toBe(0);
    expect((JSON.parse(ls.stdout) as { version: string }[]).map((p) => p.version).sort()).toEqual(['1', '2']);
  });

  it('deploys with flags mirroring deployApp and waits until every instance is healthy', async () => {
    const deploy = await mammoth(
      'app',
      'deploy',
      'web',
      ...['-p', 'hello', '--version', '1', '-n', '2', '--cpus', '0.1', '--memory', '32'],
      ...['--health-http', '/', '--health-interval', '500', '--env', 'GREETING=hi', '--wait', '--timeout', '120'],
    );
    expect(deploy).toMatchObject({ code: 0 });
    expect(deploy.stdout).toMatch(/^web deployed: hello:1 × 2$/m);
    expect(deploy.stdout).toMatch(/^web: 2\/2 healthy after [\d.]+s$/m);
    const status = await mammoth('app', 'status', 'web', '-o', 'json');
    const app = JSON.parse(status.stdout) as {
      healthCheck: { kind: string; path: string };
      instances: { health: string }[];
    };
    expect(app.healthCheck).toMatchObject({ kind: 'HTTP', path: '/' });
    expect(app.instances.map((i) => i.health)).toEqual(['healthy', 'healthy']);
    const table = await mammoth('app', 'ls');
    expect(table.stdout).toMatch(/^NAME\s+PACKAGE\s+DESIRED\s+RUNNING\s+HEALTHY\s+PENDING\s+ROLLOUT$/m);
    expect(table.stdout).toMatch(/^web\s+hello:1\s+2\s+2\s+2\s+0\s+-$/m);
  });

  it('shows the cluster: status, nodes, capacity and what would fit', async () => {
    const status = await mammoth('status');
    expect(status.stdout).toMatch(/^Nodes:\s+1 ready of 1$/m);
    expect(status.stdout).toMatch(/^Apps:\s+1 \(1 healthy, 0 rolling out\)$/m);
    const nodes = parse((await mammoth('node', 'ls', '-o', 'yaml')).stdout) as { id: string; status: string }[];
    expect(nodes).toEqual([expect.objectContaining({ id: cluster.nodeId, status: 'ready' })]);
    const show = await mammoth('node', 'show', cluster.nodeId);
    expect(show.stdout.match(/^\S+\s+web\s+running\s+healthy\s+\d+$/gm)).toHaveLength(2);
    const capacity = await mammoth('capacity');
    expect(capacity.stdout).toMatch(new RegExp(`^${cluster.nodeId}\\s+ready\\s+2\\s+0\\.2/`, 'm'));
    expect(capacity.stdout).toMatch(/^TOTAL\s+1 ready/m);
    const whatif = JSON.parse((await mammoth('whatif', '--cpus', '0.5', '--memory', '256', '-o', 'json')).stdout) as {
      fits: number;
      nodes: { nodeId: string }[];
    };
    expect(whatif.fits).toBeGreaterThan(0);
    expect(whatif.nodes[0].nodeId).toBe(cluster.nodeId);
  });

  it('scales and waits for the new instance to be healthy', async () => {
    const scale = await mammoth('app', 'scale', 'web', '3', '--wait', '--timeout', '120');
    expect(scale).toMatchObject({ code: 0 });
    expect(scale.stdout).toMatch(/^web scaled to 3$/m);
    expect(scale.stdout).toMatch(/^web: 3\/3 healthy after/m);
  });

  it('follows a rollout with rollout status --watch until it is done', async () => {
    const update = await mammoth('app', 'update', 'web', '--version', '2');
    expect(update).toMatchObject({ code: 0, stderr: '' });
    expect(update.stdout).toMatch(/^web rolling out 1 → 2$/m);
    const watch = await mammoth('rollout', 'status', 'web', '--watch', '--timeout', '180');
    expect(watch).toMatchObject({ code: 0 });
    expect(watch.stderr).toMatch(/^web: \d\/3 rolling to 2/m);
    expect(watch.stdout).toMatch(/^web: 3\/3 healthy, rolled out to 2 after [\d.]+s$/m);
    const r = await cluster.gql<{ app: { rollout: unknown; healthy: number } }>(
      '{ app(name: "web") { rollout { to } healthy } }',
    );
    expect(r.app).toEqual({ rollout: null, healthy: 3 });
    const after = await mammoth('rollout', 'status', 'web');
    expect(after.stdout).toMatch(/^State:\s+done$/m);
  });

  it('exits 2 on a usage error, before sending anything', async () => {
    const before = await cluster.eventCount();
    const missing = await mammoth('app', 'scale', 'web');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: missing required argument 'instances'");
    const bad = await mammoth('app', 'scale', 'web', 'many');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("value 'many' is invalid for argument 'instances'. must be a whole number.");
    expect((await mammoth('app', 'frobnicate')).code).toBe(2);
    expect(await cluster.eventCount()).toBe(before);
  });

  it('exits 1 on an API error, printing the field and reason, and writes nothing', async () => {
    const before = await cluster.eventCount();
    const small = await mammoth('app', 'deploy', 'tiny', '-p', 'hello', '--cpus', '0.1', '--memory', '2');
    expect(small.code).toBe(1);
    expect(small.stderr).toBe(
      'error: deployApp: memoryMiB: must not be less than 4 [INVALID_ARGUMENT, field memoryMiB (--memory)]\n',
    );
    const unknown = await mammoth('app', 'scale', 'nope', '1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: scaleApp: name: no app named nope [NOT_FOUND, field name]\n');
    expect(await cluster.eventCount()).toBe(before);
  });

  it('events --follow prints events emitted after it started, and resumes after the control plane restarts', async () => {
    const follow = spawn(process.execPath, [BIN, 'events', '--follow', '--app', 'web', '-o', 'json'], { env: env() });
    const lines = collectLines(follow);
    try {
      await eventually(
        async () => expect(lines.out.some((l) => l.includes('"AppUpdateCompleted"'))).toBe(true),
        30000,
        200,
      );
      expect((await mammoth('app', 'scale', 'web', '2')).code).toBe(0);
      await eventually(async () => expect(scaledTo(lines.out)).toContain(2), 30000, 200);

      await cluster.controlPlane.stop();
      await eventually(
        async () => expect(lines.err.join('\n')).toMatch(/connection lost .*; reconnecting to resume/),
        30000,
        200,
      );
      cluster.controlPlane = cluster.newControlPlane(cluster.cpPort).start();
      await eventually(() => cluster.gql('{ apps { name } }'), 60000, 250);
      expect((await mammoth('app', 'scale', 'web', '1')).code).toBe(0);
      await eventually(async () => expect(scaledTo(lines.out)).toEqual([3, 2, 1]), 60000, 200);

      const positions = lines.out.map((l) => BigInt((JSON.parse(l) as { position: string }).position));
      expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
      const exited = new Promise<number | null>((resolve) => follow.once('exit', (code) => resolve(code)));
      follow.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      follow.kill('SIGKILL');
    }
  });

  it('prints a bash completion script that bash accepts', async () => {
    const completion = await mammoth('completion', 'bash');
    expect(completion.code).toBe(0);
    await expect(run('bash', ['-n', '-c', completion.stdout])).resolves.toBeDefined();
  });

  it('removes the app', async () => {
    expect((await mammoth('app', 'rm', 'web')).stdout).toBe('web removed\n');
    await eventually(
      async () => expect(JSON.parse((await mammoth('app', 'ls', '-o', 'json')).stdout)).toEqual([]),
      30000,
      250,
    );
  });
});

/** collectLines gathers a child's stdout and stderr line by line as they arrive. */
function collectLines(child: ChildProcess): { out: string[]; err: string[] } {
  const result = { out: [] as string[], err: [] as string[] };
  for (const [stream, into] of [
    [child.stdout!, result.out],
    [child.stderr!, result.err],
  ] as const) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      into.push(...parts.filter(Boolean));
    });
  }
  return result;
}

/** scaledTo lists, in order, the counts of the AppScaled events among NDJSON event lines. */
function scaledTo(lines: string[]): number[] {
  return lines
    .map((l) => JSON.parse(l) as { type: string; data: { to?: number } })
    .filter((e) => e.type === 'AppScaled')
    .map((e) => e.data.to ?? -1);
}
