import { Pool } from 'pg';
import { DomainEvent, makeEvent, streamIds } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { ProjectorLog } from '../runner/projection';
import { at, DIGEST } from '@mammoth/read-models/testing/recorded';

/** I1, I2 are the instance ids the scenario places. */
export const I1 = '6f1c2a3b-0000-4000-8000-000000000001';
export const I2 = '6f1c2a3b-0000-4000-8000-000000000002';

const pkg = (version: string) => ({
  name: 'web',
  version,
  digest: DIGEST,
  format: 'image' as const,
  imageRef: `web:${version}`,
});
const resources = { cpuMillis: 500, memoryMiB: 128, diskMiB: 0 };
const node = (nodeId: string, hostname: string) =>
  makeEvent('NodeRegistered', {
    nodeId,
    hostname,
    address: '127.0.0.1',
    capacity: { cpuMillis: 4000, memoryMiB: 8192, diskMiB: 10000 },
    portRange: { from: 20000, to: 20100 },
    labels: { zone: 'a' },
    driver: 'docker',
  });

/** append writes one command's events to one or more streams at event time `t` (seconds after the test epoch). */
export async function append(store: PgEventStore, t: number, writes: Record<string, DomainEvent[]>): Promise<void> {
  await store.append(
    Object.entries(writes).map(([streamId, events]) => ({ streamId, expectedVersion: 'any' as const, events })),
    { correlationId: `c${t}`, actor: 'test', timestamp: at(t) },
  );
}

/**
 * writeScenario appends a small cluster's history through the real event store. Instance i2's first report is written before
 * its placement, so the projector sees the instance stream and the app stream in either order.
 */
export async function writeScenario(store: PgEventStore): Promise<void> {
  const uploaded = (version: string, size: number) =>
    makeEvent('PackageUploaded', { ...pkg(version), sizeBytes: size, format: 'image' });
  const report = (id: string) => ({ instanceId: id, app: 'web', nodeId: 'n1' });
  await append(store, 1, { [streamIds.package('web')]: [uploaded('1.0.0', 1000)] });
  await append(store, 2, { [streamIds.package('web')]: [uploaded('1.1.0', 2000)] });
  await append(store, 3, { [streamIds.node('n1')]: [node('n1', 'n1-old')] });
  await append(store, 4, { [streamIds.node('n2')]: [node('n2', 'n2')] });
  await append(store, 5, {
    [streamIds.app('web')]: [
      makeEvent('AppDeployed', { name: 'web', package: pkg('1.1.0'), instances: 3, resources, env: {} }),
    ],
  });
  await append(store, 6, {
    [streamIds.instance(I2)]: [makeEvent('InstanceRunning', { ...report(I2), containerId: 'c2' })],
  });
  await append(store, 7, {
    [streamIds.app('web')]: [
      makeEvent('InstancePlaced', { app: 'web', instanceId: I1, nodeId: 'n1', host: '127.0.0.1', port: 20001 }),
      makeEvent('InstancePlaced', { app: 'web', instanceId: I2, nodeId: 'n1', host: '127.0.0.1', port: 20002 }),
      makeEvent('InstancesPending', { app: 'web', count: 1, reasons: [{ reason: 'memory exhausted', nodes: 1 }] }),
    ],
    [streamIds.node('n1')]: [
      makeEvent('InstanceAssigned', {
        instanceId: I1,
        app: 'web',
        package: pkg('1.1.0'),
        resources,
        port: 20001,
        env: {},
      }),
      makeEvent('InstanceAssigned', {
        instanceId: I2,
        app: 'web',
        package: pkg('1.1.0'),
        resources,
        port: 20002,
        env: {},
      }),
    ],
  });
  await append(store, 8, {
    [streamIds.instance(I1)]: [makeEvent('InstanceRunning', { ...report(I1), containerId: 'c1' })],
  });
  await append(store, 9, {
    [streamIds.instance(I2)]: [makeEvent('InstanceExited', { ...report(I2), containerId: 'c2', exitCode: 1 })],
  });
  await append(store, 10, { [streamIds.node('n1')]: [node('n1', 'n1-new')] });
  await append(store, 11, {
    [streamIds.app('web')]: [
      makeEvent('AppScaled', { name: 'web', from: 3, to: 1 }),
      makeEvent('InstanceStopRequested', { app: 'web', instanceId: I2, nodeId: 'n1', reason: 'scaled down' }),
    ],
    [streamIds.node('n1')]: [makeEvent('InstanceUnassigned', { instanceId: I2, app: 'web', reason: 'scaled down' })],
  });
  await append(store, 12, { [streamIds.instance(I2)]: [makeEvent('InstanceStopped', report(I2))] });
  await append(store, 13, {
    [streamIds.app('old')]: [
      makeEvent('AppDeployed', { name: 'old', package: pkg('1.0.0'), instances: 0, resources, env: {} }),
    ],
  });
  await append(store, 14, { [streamIds.app('old')]: [makeEvent('AppRemoved', { name: 'old' })] });
}

/** REGISTRY_KEYS orders each registry table by its primary key, so snapshots compare row by row. */
const REGISTRY_KEYS: Record<string, string> = {
  rm_packages: 'name, version',
  rm_nodes: 'node_id',
  rm_apps: 'name',
  rm_instances: 'instance_id',
};

/** snapshot reads every registry table in full, ordered by key. */
export async function snapshot(pool: Pool): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(REGISTRY_KEYS))
    out[table] = (await pool.query(`SELECT * FROM ${table} ORDER BY ${key}`)).rows;
  return out;
}

/** quietLog collects warnings and errors instead of printing them. */
export function quietLog(): ProjectorLog & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, log: () => undefined, warn: (m) => warnings.push(m), error: (m) => errors.push(m) };
}
