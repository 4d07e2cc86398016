import { at, DIGEST, fold, recorded } from '../testing/recorded';
import { assignmentsTable } from './assignments';

const I1 = '6f1c2a3b-0000-4000-8000-000000000001';
const stream = { id: 'node-n1', version: 2 };
const pkg = { name: 'web', version: '1', digest: DIGEST, format: 'image' as const, imageRef: 'web:1' };
const assigned = (port: number) =>
  recorded(
    'InstanceAssigned',
    {
      instanceId: I1,
      app: 'web',
      package: pkg,
      resources: { cpuMillis: 250, memoryMiB: 64, diskMiB: 5 },
      port,
      env: {},
    },
    at(1),
    stream,
  );
const unassigned = recorded('InstanceUnassigned', { instanceId: I1, app: 'web', reason: 'app removed' }, at(2), stream);

describe('assignmentsTable.evolve', () => {
  it('given nothing, when InstanceAssigned, then a row with what the instance holds on the node of the stream', () => {
    expect(assignmentsTable.keyOf(assigned(20000))).toEqual([I1]);
    expect(fold(assignmentsTable.evolve, [assigned(20000)])).toEqual({
      instance_id: I1,
      node_id: 'n1',
      app: 'web',
      cpu_millis: 250,
      memory_mib: 64,
      disk_mib: 5,
      port: 20000,
    });
  });

  it('keeps the first assignment of an instance, and InstanceUnassigned deletes it', () => {
    expect(fold(assignmentsTable.evolve, [assigned(20000), assigned(20001)])).toMatchObject({ port: 20000 });
    expect(fold(assignmentsTable.evolve, [assigned(20000), unassigned])).toBeNull();
    expect(fold(assignmentsTable.evolve, [unassigned])).toBeNull();
  });
});
