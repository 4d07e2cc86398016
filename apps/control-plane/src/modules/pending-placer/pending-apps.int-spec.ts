import { DomainEvent, makeEvent, streamIds } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, TestDatabase } from '@mammoth/event-store/testing/test-infra';
import { PendingApps } from './pending-apps';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const pkg = { name: 'web', version: '1', digest: DIGEST, format: 'image' as const, imageRef: 'web:1' };
const resources = { cpuMillis: 500, memoryMiB: 64, diskMiB: 0 };
const I = (n: number) => `6f1c2a3b-0000-4000-8000-${String(n).padStart(12, '0')}`;
const deployed = (name: string, instances: number) =>
  makeEvent('AppDeployed', { name, package: pkg, instances, resources, env: {} });
const pending = (app: string, count: number) =>
  makeEvent('InstancesPending', { app, count, reasons: [{ reason: 'cpu exhausted', nodes: 1 }] });
const placed = (app: string, n: number) =>
  makeEvent('InstancePlaced', { app, instanceId: I(n), nodeId: 'n1', host: '127.0.0.1', port: 20000 + n });

describe('PendingApps against PostgreSQL', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let apps: PendingApps;
  const append = (streamId: string, ...events: DomainEvent[]) =>
    store.append([{ streamId, expectedVersion: 'any', events }], {
      correlationId: 'c',
      actor: 'test',
      timestamp: new Date(0).toISOString(),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
    apps = new PendingApps(store);
  });

  afterAll(() => db?.drop());

  it('lists the apps whose last InstancesPending stands, as evolveApp folds it', async () => {
    expect(await apps.names()).toEqual([]);
    await append(streamIds.app('never'), deployed('never', 1), placed('never', 1));
    await append(streamIds.app('still'), deployed('still', 3), placed('still', 2), pending('still', 2));
    await append(streamIds.app('again'), deployed('again', 3), pending('again', 3));
    await append(streamIds.app('again'), placed('again', 3), pending('again', 2));
    await append(streamIds.app('placed'), deployed('placed', 2), pending('placed', 2));
    await append(streamIds.app('placed'), placed('placed', 4), placed('placed', 5));
    await append(
      streamIds.app('scaled'),
      deployed('scaled', 2),
      pending('scaled', 2),
      makeEvent('AppScaled', { name: 'scaled', from: 2, to: 0 }),
    );
    await append(
      streamIds.app('removed'),
      deployed('removed', 2),
      pending('removed', 2),
      makeEvent('AppRemoved', { name: 'removed' }),
    );
    await append(streamIds.app('stopped'), deployed('stopped', 2), placed('stopped', 6), pending('stopped', 1));
    await append(
      streamIds.app('stopped'),
      makeEvent('InstanceStopRequested', { app: 'stopped', instanceId: I(6), nodeId: 'n1', reason: 'test' }),
    );
    expect(await apps.names()).toEqual(['again', 'still', 'stopped']);
  });

  it('moves the capacity mark on a node registration or an unassignment, and on nothing else', async () => {
    const first = await apps.capacityMark();
    await append(streamIds.app('still'), placed('still', 7));
    expect(await apps.capacityMark()).toBe(first);
    await append(
      streamIds.node('n1'),
      makeEvent('InstanceUnassigned', { instanceId: I(7), app: 'still', reason: 'scaled down' }),
    );
    const second = await apps.capacityMark();
    expect(BigInt(second)).toBeGreaterThan(BigInt(first));
    await append(
      streamIds.node('n2'),
      makeEvent('NodeRegistered', {
        nodeId: 'n2',
        hostname: 'n2',
        address: '127.0.0.1',
        capacity: resources,
        portRange: { from: 20000, to: 20001 },
        labels: {},
        driver: 'sim',
      }),
    );
    expect(BigInt(await apps.capacityMark())).toBeGreaterThan(BigInt(second));
  });
});
