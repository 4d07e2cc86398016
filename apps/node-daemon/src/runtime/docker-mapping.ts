import type { ContainerCreateOptions, ContainerInfo } from 'dockerode';
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

/**
 * containerSpec is the Docker create request for an assignment: host network, cpu and memory limits, no restart policy (the
 * daemon restarts). The app is told to serve on HOST (the node's address) and PORT, where the registry says it is.
 */
export function containerSpec(a: Assignment, nodeId: string, suffix: string, address: string): ContainerCreateOptions {
  const env: Record<string, string> = {
    ...a.env,
    HOST: address,
    PORT: String(a.port),
    MAMMOTH_APP: a.app,
    MAMMOTH_INSTANCE_ID: a.instanceId,
    MAMMOTH_NODE_ID: nodeId,
  };
  return {
    name: `mammoth-${a.app.replace('/', '.')}-${a.instanceId.slice(0, 8)}-${suffix}`,
    Image: a.package.imageRef,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABELS.instance]: a.instanceId,
      [LABELS.app]: a.app,
      [LABELS.node]: nodeId,
      [LABELS.port]: String(a.port),
      [LABELS.digest]: a.package.digest,
    },
    HostConfig: {
      NetworkMode: 'host',
      NanoCpus: a.resources.cpuMillis * 1e6,
      Memory: a.resources.memoryMiB * MiB,
      RestartPolicy: { Name: 'no' },
      // A tiny init as PID 1 forwards SIGTERM and reaps children, so apps that ignore signals as PID 1 still stop promptly.
      Init: true,
    },
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
