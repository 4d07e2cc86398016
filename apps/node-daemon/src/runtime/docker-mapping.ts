import type { ContainerCreateOptions, ContainerInfo, NetworkCreateOptions } from 'dockerode';
import { Assignment } from '@mammoth/domain';
import { ActualContainer, ContainerStatus } from './container-runtime';

/** LABELS are the Docker labels by which the daemon finds, and after a restart adopts, the containers it started. */
export const LABELS = {
  instance: 'mammoth.instance',
  app: 'mammoth.app',
  node: 'mammoth.node',
  port: 'mammoth.port',
  digest: 'mammoth.package.digest',
} as const;

const MiB = 1024 * 1024;

/** ContainerSettings are the node's confinement of every container: the Mammoth bridge network and a pids limit. */
export interface ContainerSettings {
  readonly network: string;
  readonly pidsLimit: number;
}

/** DEFAULT_CONTAINER_SETTINGS are the node daemon's defaults (DOCKER_NETWORK, CONTAINER_PIDS_LIMIT). */
export const DEFAULT_CONTAINER_SETTINGS: ContainerSettings = { network: 'mammoth', pidsLimit: 512 };

/** BRIDGE_HOST is where an app on the bridge listens: every address of its own network namespace. */
const BRIDGE_HOST = '0.0.0.0';

/**
 * containerSpec is the Docker create request for an assignment: on the Mammoth bridge network with PORT published on
 * the node's address (or, when the app asked for it, the host's network), every capability dropped, no new privileges, a
 * pids, cpu and memory limit, the app's user and read-only root, no restart policy (the daemon restarts). The app is
 * told to serve on HOST (0.0.0.0 on the bridge, the node's address on the host network) and PORT; the registry lists it
 * at the node's address and PORT either way.
 */
export function containerSpec(
  a: Assignment,
  nodeId: string,
  suffix: string,
  address: string,
  settings: ContainerSettings = DEFAULT_CONTAINER_SETTINGS,
): ContainerCreateOptions {
  const bridge = (a.isolation?.network ?? 'bridge') === 'bridge';
  const port = `${a.port}/tcp`;
  const env: Record<string, string> = {
    ...a.env,
    HOST: bridge ? BRIDGE_HOST : address,
    PORT: String(a.port),
    MAMMOTH_APP: a.app,
    MAMMOTH_INSTANCE_ID: a.instanceId,
    MAMMOTH_NODE_ID: nodeId,
  };
  return {
    name: `mammoth-${a.app.replace('/', '.')}-${a.instanceId.slice(0, 8)}-${suffix}`,
    Image: a.package.imageRef,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    ...(a.isolation?.user ? { User: a.isolation.user } : {}),
    ...(bridge ? { ExposedPorts: { [port]: {} } } : {}),
    Labels: {
      [LABELS.instance]: a.instanceId,
      [LABELS.app]: a.app,
      [LABELS.node]: nodeId,
      [LABELS.port]: String(a.port),
      [LABELS.digest]: a.package.digest,
    },
    HostConfig: {
      NetworkMode: bridge ? settings.network : 'host',
      ...(bridge ? { PortBindings: { [port]: [{ HostIp: address, HostPort: String(a.port) }] } } : {}),
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['ALL'],
      PidsLimit: settings.pidsLimit,
      ReadonlyRootfs: a.isolation?.readOnlyRootFs ?? false,
      NanoCpus: a.resources.cpuMillis * 1e6,
      Memory: a.resources.memoryMiB * MiB,
      RestartPolicy: { Name: 'no' },
      // A tiny init as PID 1 forwards SIGTERM and reaps children, so apps that ignore signals as PID 1 still stop promptly.
      Init: true,
    },
  };
}

/** networkSpec is the Docker create request of the Mammoth bridge: a user-defined bridge labelled as Mammoth's. */
export function networkSpec(name: string): NetworkCreateOptions {
  return {
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { 'mammoth.owned': 'true' },
  };
}

/** statusOf maps Docker's container state onto the daemon's; a dead container counts as exited. */
export function statusOf(state: string): ContainerStatus {
  switch (state) {
    case 'running':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    case 'created':
      return 'created';
    default:
      return 'other';
  }
}

/** actualOf reads a listed Docker container back into an ActualContainer. */
export function actualOf(c: ContainerInfo): ActualContainer {
  return {
    containerId: c.Id,
    instanceId: c.Labels[LABELS.instance],
    app: c.Labels[LABELS.app] ?? '',
    status: statusOf(c.State),
    createdAt: c.Created * 1000,
  };
}
