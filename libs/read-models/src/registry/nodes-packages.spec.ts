import { nodesTable } from './nodes/nodes';
import { packagesTable } from './packages/packages';
import { at, DIGEST, fold, recorded } from '../testing/recorded';

const node = (hostname: string, t: number, metricsPort?: number) =>
  recorded(
    'NodeRegistered',
    {
      nodeId: 'n1',
      hostname,
      address: '127.0.0.1',
      capacity: { cpuMillis: 4000, memoryMiB: 8192, diskMiB: 10000 },
      portRange: { from: 20000, to: 20100 },
      labels: { zone: 'a' },
      driver: 'docker',
      ...(metricsPort ? { metricsPort } : {}),
    },
    at(t),
  );

describe('nodesTable.evolve', () => {
  it('keeps the first registration time and the latest facts, its metrics port among them', () => {
    expect(fold(nodesTable.evolve, [node('old', 1, 9100), node('new', 7)])).toEqual({
      node_id: 'n1',
      hostname: 'new',
      address: '127.0.0.1',
      cpu_millis: 4000,
      memory_mib: 8192,
      disk_mib: 10000,
      port_from: 20000,
      port_to: 20100,
      labels: { zone: 'a' },
      driver: 'docker',
      metrics_port: null,
      status: 'ready',
      registered_at: at(1),
      updated_at: at(7),
    });
  });

  it("records where the node's daemon serves /metrics", () => {
    expect(fold(nodesTable.evolve, [node('a', 1, 9100)])?.metrics_port).toBe(9100);
  });

  it('changes nothing when a registration is delivered twice', () => {
    const once = fold(nodesTable.evolve, [node('a', 1), node('b', 2)]);
    expect(nodesTable.evolve(once, node('b', 2))).toEqual(once);
  });
});

describe('packagesTable.evolve', () => {
  it('stores an uploaded version keyed by name and version', () => {
    const e = recorded(
      'PackageUploaded',
      { name: 'web', version: '1.0.0', digest: DIGEST, format: 'image', sizeBytes: 4096, imageRef: 'web:1.0.0' },
      at(3),
    );
    expect(packagesTable.keyOf(e)).toEqual(['web', '1.0.0']);
    const row = packagesTable.evolve(null, e);
    expect(row).toEqual({
      name: 'web',
      version: '1.0.0',
      digest: DIGEST,
      format: 'image',
      size_bytes: 4096,
      image_ref: 'web:1.0.0',
      uploaded_at: at(3),
    });
    expect(packagesTable.evolve(row, e)).toEqual(row);
  });
});
