import { EventOfType, EventType, MammothEvent, RecordedEvent } from '@mammoth/events';
import { at, DIGEST, recorded } from './recorded';

/** Ev is one event to log: its type and data. */
export type Ev = { [T in EventType]: [T, EventOfType<T>['data']] }[EventType];

/** recordedHistory numbers commits of events one after another, as a log would hold them: commit i at time i. */
export function recordedHistory(commits: readonly (readonly Ev[])[]): RecordedEvent<MammothEvent>[] {
  const out: RecordedEvent<MammothEvent>[] = [];
  commits.forEach((evs, i) =>
    evs.forEach(([type, data]) => {
      const r = recorded(type, data as never, at(i + 1));
      out.push({ ...r, position: String(out.length + 1), metadata: { ...r.metadata, correlationId: `c${i + 1}` } });
    }),
  );
  return out;
}

const pkg = { name: 'hello', version: '1', digest: DIGEST, format: 'image' as const, imageRef: 'hello:1' };

/** ev builds the events the lb-config tests use, with everything they do not care about filled in. */
export const ev = {
  deployed: (name: string): Ev => [
    'AppDeployed',
    { name, package: pkg, instances: 1, resources: { cpuMillis: 100, memoryMiB: 32, diskMiB: 0 }, env: {} },
  ],
  removed: (name: string): Ev => ['AppRemoved', { name }],
  node: (nodeId: string, driver: 'docker' | 'sim' = 'docker'): Ev => [
    'NodeRegistered',
    {
      nodeId,
      hostname: nodeId,
      address: '127.0.0.1',
      capacity: { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 0 },
      portRange: { from: 20000, to: 20100 },
      labels: {},
      driver,
    },
  ],
  nodeLost: (nodeId: string): Ev => ['NodeLost', { nodeId, at: at(0), lastSeen: null, reason: 'silent' }],
  nodeRecovered: (nodeId: string): Ev => ['NodeRecovered', { nodeId, at: at(0), reason: 'heartbeat' }],
  placed: (app: string, instanceId: string, nodeId: string, port: number, host = '127.0.0.1'): Ev => [
    'InstancePlaced',
    { app, instanceId, nodeId, host, port },
  ],
  running: (app: string, instanceId: string, nodeId: string): Ev => [
    'InstanceRunning',
    { app, instanceId, nodeId, containerId: 'c' },
  ],
  exited: (app: string, instanceId: string, nodeId: string): Ev => [
    'InstanceExited',
    { app, instanceId, nodeId, containerId: 'c', exitCode: 1 },
  ],
  stopRequested: (app: string, instanceId: string, nodeId: string): Ev => [
    'InstanceStopRequested',
    { app, instanceId, nodeId, reason: 'scaled down' },
  ],
  stopped: (app: string, instanceId: string, nodeId: string): Ev => ['InstanceStopped', { app, instanceId, nodeId }],
};

/** uuid makes the n-th test instance id. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}
