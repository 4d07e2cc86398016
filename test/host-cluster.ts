import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GqlError } from './harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const SCRIPT = join(ROOT, 'scripts', 'cluster.sh');

/**
 * clusterIndex is this checkout's cluster (MAMMOTH_CLUSTER_INDEX for scripts/cluster.sh), derived from
 * MAMMOTH_TEST_PORT_OFFSET as the ports are, so suites of two checkouts bring up two separate clusters.
 */
export function clusterIndex(): number {
  return Math.floor(Number(process.env.MAMMOTH_TEST_PORT_OFFSET ?? 0) / 100) % 100;
}

/** HostCluster is a cluster of many hosts on this machine (network namespaces), brought up and down by scripts/cluster.sh. */
export class HostCluster {
  private constructor(
    readonly index: number,
    readonly settings: Readonly<Record<string, string>>,
  ) {}

  /** up runs `scripts/cluster.sh up <nodes>` (which first clears whatever an earlier run left) and reads its settings. */
  static async up(nodes: number, env: Record<string, string> = {}): Promise<HostCluster> {
    const index = clusterIndex();
    await HostCluster.script(index, ['up', String(nodes)], env);
    const file = join(ROOT, '.run', `cluster-${index}`, 'cluster.env');
    const settings = Object.fromEntries(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return new HostCluster(index, settings);
  }

  private static async script(index: number, args: string[], env: Record<string, string> = {}): Promise<string> {
    try {
      const { stdout } = await run('bash', [SCRIPT, ...args], {
        env: { ...process.env, ...env, MAMMOTH_CLUSTER_INDEX: String(index) },
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`scripts/cluster.sh ${args.join(' ')} failed: ${e.message}\n${(e.stderr ?? '').slice(-4000)}`);
    }
  }

  /** down stops everything and removes the namespaces, links, bridge and rule that up made. */
  async down(): Promise<void> {
    await HostCluster.script(this.index, ['down']);
  }

  /** kill SIGKILLs one of the cluster's processes (named as its log in .run/cluster-<i>/logs/), as a crash would. */
  async kill(proc: string): Promise<void> {
    await HostCluster.script(this.index, ['kill', proc]);
  }

  /** controlPlanes are both control planes' base URLs, in the order clients try them. */
  get controlPlanes(): string[] {
    return this.settings.CONTROL_PLANE_URL.split(',');
  }

  get edgeUrl(): string {
    return this.settings.EDGE_URL;
  }

  get nodes(): number {
    return Number(this.settings.CLUSTER_NODES);
  }

  /** nodeAddress is node host i's address (1-based). */
  nodeAddress(i: number): string {
    return this.settings[`NODE${i}_ADDRESS`];
  }

  /** docker runs the docker CLI against node host i's own engine. */
  async docker(i: number, args: string[]): Promise<string> {
    const { stdout } = await run('docker', ['-H', this.settings[`NODE${i}_DOCKER_HOST`], ...args]);
    return stdout;
  }

  /** authHeaders carries the cluster's admin token (bootstrapped by scripts/cluster.sh, named in cluster.env). */
  authHeaders(): Record<string, string> {
    return { authorization: `Bearer ${readFileSync(this.settings.MAMMOTH_TOKEN_FILE, 'utf8').trim()}` };
  }

  /** gql posts a GraphQL operation to a control plane (the first unless told) and returns its data, throwing its first error. */
  async gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    controlPlane = this.controlPlanes[0],
  ): Promise<T> {
    const res = await fetch(`${controlPlane}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.authHeaders() },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(10000),
    });
    const body = (await res.json()) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string; field?: string } }[];
    };
    if (body.errors?.length)
      throw new GqlError(body.errors[0].message, body.errors[0].extensions?.code, body.errors[0].extensions?.field);
    return body.data as T;
  }

  /** upload posts a package file to a control plane's repository (the first unless told). */
  async upload(file: Blob, fields: Record<string, string>, controlPlane = this.controlPlanes[0]): Promise<number> {
    const form = new FormData();
    form.set('file', file, 'package.tar');
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    const res = await fetch(`${controlPlane}/packages`, { method: 'POST', body: form, headers: this.authHeaders() });
    return res.status;
  }
}
