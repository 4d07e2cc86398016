import { mkdirSync, readFileSync, statfsSync } from 'node:fs';
import { availableParallelism, hostname, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  clientTokenConfig,
  composeConfig,
  ConfigError,
  Env,
  healthConfig,
  HealthConfig,
  kafkaConfig,
  KafkaConfig,
  loggingConfig,
  LoggingConfig,
  parseConfig,
  topicsConfig,
  TopicsConfig,
} from '@mammoth/platform';
import { DEFAULT_DOCKER_TIMEOUTS, DockerTimeouts } from './runtime/docker-deadline';

/** NodeDaemonConfig is every setting of one node daemon, read once at start. */
export interface NodeDaemonConfig {
  readonly nodeId: string;
  readonly hostname: string;
  readonly address: string;
  readonly portRange: { readonly from: number; readonly to: number };
  readonly labels: Readonly<Record<string, string>>;
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly diskMiB: number;
  readonly dataDir: string;
  readonly driver: 'docker' | 'sim';
  /** count is how many nodes this process runs: always 1 for docker, N hollow nodes for sim. */
  readonly count: number;
  /** sim describes the hollow nodes of `--driver sim`; the docker driver ignores it. */
  readonly sim: SimSettings;
  /** controlPlaneUrls are every control plane's base URL (CONTROL_PLANE_URL=a,b), tried in turn. */
  readonly controlPlaneUrls: readonly string[];
  /** token is the bearer token presented to the control plane (MAMMOTH_TOKEN or MAMMOTH_TOKEN_FILE), or null. */
  readonly token: string | null;
  /** joinToken enrols the node when it has no credential yet (MAMMOTH_JOIN_TOKEN or MAMMOTH_JOIN_TOKEN_FILE), or null. */
  readonly joinToken: string | null;
  /** credentialFile is where the node keeps the credential it got by joining (NODE_CREDENTIAL_FILE, mode 0600). */
  readonly credentialFile: string;
  /** network is the Docker network instances join: the Mammoth-owned bridge (DOCKER_NETWORK, `mammoth`). */
  readonly network: string;
  /** pidsLimit caps the processes of each container (CONTAINER_PIDS_LIMIT, 512). */
  readonly pidsLimit: number;
  readonly kafka: KafkaConfig;
  readonly topics: TopicsConfig;
  readonly logging: LoggingConfig;
  readonly health: HealthConfig;
  readonly heartbeatIntervalMs: number;
  readonly resyncIntervalMs: number;
  readonly reconcileIntervalMs: number;
  readonly dockerSocket: string;
  /** dockerTimeouts bound each Docker API call and each image load (DOCKER_CALL_TIMEOUT_MS, DOCKER_LOAD_TIMEOUT_MS). */
  readonly dockerTimeouts: DockerTimeouts;
  /** runtimeStuckAfterMs: the node reports itself not ready when its runtime has not answered for this long. */
  readonly runtimeStuckAfterMs: number;
  /** usage samples instances' use every intervalMs (USAGE_INTERVAL_MS, 0: off) with at most `concurrency` stats calls. */
  readonly usage: { readonly intervalMs: number; readonly concurrency: number };
}

/** NodeShape is one hollow node's capacity. */
export interface NodeShape {
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly diskMiB: number;
}

/** SimSettings shape a fleet of hollow nodes: ids `${idPrefix}-<i>`, labels rack=r<i % racks> and zone=z<i % zones>, shapes cycled by index. */
export interface SimSettings {
  readonly idPrefix: string;
  readonly racks: number;
  readonly zones: number;
  readonly shapes: readonly NodeShape[];
  /** verbose logs every simulated start and stop (SIM_VERBOSE=1). */
  readonly verbose: boolean;
}

export const CONFIG = Symbol('NodeDaemonConfig');

/** Machine is what the daemon detects about its host when not told. */
export interface Machine {
  readonly hostname: string;
  readonly cpus: number;
  readonly memoryMiB: number;
  diskMiB(dir: string): number;
}

const MiB = 1024 * 1024;

/** detectMachine reads cpus, memory and the size of the filesystem holding the data dir. */
export const detectMachine: Machine = {
  hostname: hostname(),
  cpus: availableParallelism(),
  memoryMiB: Math.floor(totalmem() / MiB),
  diskMiB: (dir) => {
    mkdirSync(dir, { recursive: true });
    const s = statfsSync(dir);
    return Math.floor((s.blocks * s.bsize) / MiB);
  },
};

const int = (min: number) => z.coerce.number().int().min(min);
const NodeEnv = z.object({
  NODE_DRIVER: z.enum(['docker', 'sim']).optional(),
  NODE_COUNT: int(1).max(100_000).optional(),
  NODE_ID_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,50}$/, 'letters, digits, . _ - (at most 51)')
    .default('hollow'),
  SIM_RACKS: int(1).default(10),
  SIM_ZONES: int(1).default(3),
  SIM_NODE_SHAPES: z
    .string()
    .regex(/^[\d.]+:\d+:\d+(,[\d.]+:\d+:\d+)*$/, 'cpus:memoryMiB:diskMiB,...')
    .optional(),
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, . _ - (at most 63)')
    .optional(),
  NODE_ADDRESS: z.string().min(1).default('127.0.0.1'),
  NODE_PORT_RANGE: z
    .string()
    .regex(/^\d+-\d+$/, 'FROM-TO, e.g. 31000-31999')
    .default('31000-31999'),
  NODE_LABELS: z
    .string()
    .regex(/^([^=,]+=[^,]*)(,[^=,]+=[^,]*)*$|^$/, 'k=v,k=v')
    .default(''),
  NODE_CPUS: z.coerce.number().positive().optional(),
  NODE_MEMORY_MIB: int(1).optional(),
  NODE_DISK_MIB: int(0).optional(),
  NODE_DATA_DIR: z.string().min(1).optional(),
  SIM_VERBOSE: z.enum(['0', '1']).default('0'),
  CONTROL_PLANE_URL: z
    .string()
    .default('http://127.0.0.1:8080')
    .transform((s) => s.split(',').map((u) => u.trim()))
    .pipe(z.array(z.string().url('a comma-separated list of URLs')).min(1)),
  HEARTBEAT_INTERVAL_MS: int(10).default(1000),
  RESYNC_INTERVAL_MS: int(100).optional(),
  RECONCILE_INTERVAL_MS: int(100).optional(),
  DOCKER_SOCKET: z.string().min(1).default('/var/run/docker.sock'),
  DOCKER_CALL_TIMEOUT_MS: int(100).default(DEFAULT_DOCKER_TIMEOUTS.callMs),
  DOCKER_LOAD_TIMEOUT_MS: int(1000).default(DEFAULT_DOCKER_TIMEOUTS.loadMs),
  RUNTIME_STUCK_AFTER_MS: int(100).default(30_000),
  MAMMOTH_JOIN_TOKEN: z.string().min(1).optional(),
  MAMMOTH_JOIN_TOKEN_FILE: z.string().min(1).optional(),
  NODE_CREDENTIAL_FILE: z.string().min(1).optional(),
  DOCKER_NETWORK: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'a Docker network name')
    .refine((n) => !['host', 'bridge', 'none'].includes(n), 'must be a network of its own, not host, bridge or none')
    .default('mammoth'),
  CONTAINER_PIDS_LIMIT: int(16).default(512),
  USAGE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .refine((n) => n === 0 || n >= 500, 'must be 0 (off) or at least 500')
    .default(5000),
  USAGE_CONCURRENCY: int(1).max(64).default(4),
});

/** readJoinToken reads MAMMOTH_JOIN_TOKEN, else the first line of MAMMOTH_JOIN_TOKEN_FILE, else none. */
function readJoinToken(e: { MAMMOTH_JOIN_TOKEN?: string; MAMMOTH_JOIN_TOKEN_FILE?: string }): string | null {
  if (e.MAMMOTH_JOIN_TOKEN) return e.MAMMOTH_JOIN_TOKEN.trim();
  if (!e.MAMMOTH_JOIN_TOKEN_FILE) return null;
  let token: string;
  try {
    token = readFileSync(e.MAMMOTH_JOIN_TOKEN_FILE, 'utf8').split('\n')[0].trim();
  } catch (err) {
    throw new ConfigError(`MAMMOTH_JOIN_TOKEN_FILE: ${(err as Error).message}`);
  }
  if (!token) throw new ConfigError(`MAMMOTH_JOIN_TOKEN_FILE: ${e.MAMMOTH_JOIN_TOKEN_FILE} is empty`);
  return token;
}

/** nodeDaemonConfig is the node daemon's environment schema: its own settings, the shared ones and its health listener (HEALTH_PORT 8082). */
export const nodeDaemonConfig = composeConfig({
  node: NodeEnv,
  kafka: kafkaConfig,
  topics: topicsConfig,
  logging: loggingConfig,
  health: healthConfig(8082),
  auth: clientTokenConfig,
});

function parseLabels(s: string): Record<string, string> {
  return Object.fromEntries(
    s
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()]),
  );
}

/** SIM_DEFAULTS are a hollow node's capacity when not told, and its slower safety-net timers (it has no container that can die unseen). */
const SIM_DEFAULTS = {
  cpus: 8,
  memoryMiB: 32 * 1024,
  diskMiB: 100 * 1024,
  resyncIntervalMs: 60000,
  reconcileIntervalMs: 10000,
};

function parseShapes(s: string): NodeShape[] {
  return s.split(',').map((entry) => {
    const [cpus, memoryMiB, diskMiB] = entry.split(':').map(Number);
    if (!(cpus > 0) || memoryMiB < 1)
      throw new ConfigError(`SIM_NODE_SHAPES: "${entry}" needs cpus > 0 and memoryMiB >= 1`);
    return { cpus, memoryMiB, diskMiB };
  });
}

/**
 * loadConfig reads the environment, `--driver docker|sim` (or NODE_DRIVER) and `--count N` (or NODE_COUNT, sim only);
 * a docker node's capacity not given is detected from the machine, a hollow node's defaults to 8 cpus, 32 GiB, 100 GiB.
 */
export function loadConfig(
  env: Env,
  argv: string[] = process.argv.slice(2),
  machine: Machine = detectMachine,
): NodeDaemonConfig {
  const { node: e, kafka, topics, logging, health, auth } = parseConfig(nodeDaemonConfig, env);
  const { values } = parseArgs({
    args: argv,
    options: { driver: { type: 'string' }, count: { type: 'string' } },
    strict: true,
  });
  const driver = values.driver ?? e.NODE_DRIVER ?? 'docker';
  if (driver !== 'docker' && driver !== 'sim') throw new ConfigError(`--driver: "${driver}" is not one of docker, sim`);
  const count = values.count === undefined ? (e.NODE_COUNT ?? 1) : Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 100_000)
    throw new ConfigError(`--count: "${values.count}" is not a whole number from 1 to 100000`);
  if (driver === 'docker' && count !== 1)
    throw new ConfigError(`--count: the docker driver runs exactly one node (got ${count}); use --driver sim for many`);
  const sim = driver === 'sim';
  const [from, to] = e.NODE_PORT_RANGE.split('-').map(Number);
  if (from < 1024 || to > 65535 || from > to)
    throw new ConfigError(`NODE_PORT_RANGE: ${e.NODE_PORT_RANGE} is not within 1024-65535, from <= to`);
  const nodeId = e.NODE_ID ?? (sim ? `${e.NODE_ID_PREFIX}-0` : machine.hostname);
  const dataDir = resolve(e.NODE_DATA_DIR ?? `.run/node-${nodeId}`);
  const joinToken = readJoinToken(e);
  if (joinToken && sim)
    throw new ConfigError(
      'MAMMOTH_JOIN_TOKEN: a join token enrols one node; give a hollow fleet a token (MAMMOTH_TOKEN) allowed nodes:*',
    );
  return {
    nodeId,
    hostname: machine.hostname,
    address: e.NODE_ADDRESS,
    portRange: { from, to },
    labels: parseLabels(e.NODE_LABELS),
    cpus: e.NODE_CPUS ?? (sim ? SIM_DEFAULTS.cpus : machine.cpus),
    memoryMiB: e.NODE_MEMORY_MIB ?? (sim ? SIM_DEFAULTS.memoryMiB : machine.memoryMiB),
    diskMiB: e.NODE_DISK_MIB ?? (sim ? SIM_DEFAULTS.diskMiB : machine.diskMiB(dataDir)),
    dataDir,
    driver,
    count,
    sim: {
      idPrefix: e.NODE_ID_PREFIX,
      racks: e.SIM_RACKS,
      zones: e.SIM_ZONES,
      shapes: e.SIM_NODE_SHAPES
        ? parseShapes(e.SIM_NODE_SHAPES)
        : [
            {
              cpus: e.NODE_CPUS ?? SIM_DEFAULTS.cpus,
              memoryMiB: e.NODE_MEMORY_MIB ?? SIM_DEFAULTS.memoryMiB,
              diskMiB: e.NODE_DISK_MIB ?? SIM_DEFAULTS.diskMiB,
            },
          ],
      verbose: e.SIM_VERBOSE === '1',
    },
    controlPlaneUrls: e.CONTROL_PLANE_URL,
    token: auth.token,
    joinToken,
    credentialFile: resolve(e.NODE_CREDENTIAL_FILE ?? `${dataDir}/secrets/credential`),
    network: e.DOCKER_NETWORK,
    pidsLimit: e.CONTAINER_PIDS_LIMIT,
    kafka,
    topics,
    logging,
    health,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    resyncIntervalMs: e.RESYNC_INTERVAL_MS ?? (sim ? SIM_DEFAULTS.resyncIntervalMs : 15000),
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS ?? (sim ? SIM_DEFAULTS.reconcileIntervalMs : 2000),
    dockerSocket: e.DOCKER_SOCKET,
    dockerTimeouts: { callMs: e.DOCKER_CALL_TIMEOUT_MS, loadMs: e.DOCKER_LOAD_TIMEOUT_MS },
    runtimeStuckAfterMs: e.RUNTIME_STUCK_AFTER_MS,
    usage: { intervalMs: e.USAGE_INTERVAL_MS, concurrency: e.USAGE_CONCURRENCY },
  };
}
