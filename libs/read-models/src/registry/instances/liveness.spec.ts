import fc from 'fast-check';
import { instancesTable } from './instances';
import { nodesTable } from '../nodes/nodes';
import { at, fold, recorded } from '../../testing/recorded';

const INFO = {
  nodeId: 'n1',
  hostname: 'h1',
  address: '127.0.0.1',
  capacity: { cpuMillis: 2000, memoryMiB: 1024, diskMiB: 0 },
  portRange: { from: 20000, to: 20010 },
  labels: {},
  driver: 'docker' as const,
};
const registered = recorded('NodeRegistered', INFO, at(1));
const nodeLost = recorded(
  'NodeLost',
  { nodeId: 'n1', at: at(10), lastSeen: at(4), reason: 'no heartbeat for 6.0 s (limit 5.0 s)' },
  at(10),
);
const recovered = recorded('NodeRecovered', { nodeId: 'n1', at: at(20), reason: 'heartbeat received again' }, at(20));
const removed = recorded('NodeRemoved', { nodeId: 'n1', reason: 'lost for 600.0 s', released: [] }, at(30));

describe('nodesTable.evolve: the failure detector verdicts', () => {
  const evolve = nodesTable.evolve;

  it('shows a node lost, then ready again when it recovers', () => {
    expect(fold(evolve, [registered, nodeLost])).toMatchObject({ status: 'lost', updated_at: at(10) });
    expect(fold(evolve, [registered, nodeLost, recovered])).toMatchObject({ status: 'ready', updated_at: at(20) });
  });

  it('keeps a lost node lost when it registers again, and drops a removed node until it registers afresh', () => {
    expect(fold(evolve, [registered, nodeLost, recorded('NodeRegistered', INFO, at(12))])).toMatchObject({
      status: 'lost',
      registered_at: at(1),
    });
    expect(fold(evolve, [registered, nodeLost, removed])).toBeNull();
    expect(fold(evolve, [registered, nodeLost, removed, recorded('NodeRegistered', INFO, at(40))])).toMatchObject({
      status: 'ready',
      registered_at: at(40),
    });
  });

  it('ignores a verdict for a node it has no row for', () => {
    expect(fold(evolve, [nodeLost])).toBeNull();
  });
});

describe('instancesTable.evolve: lost instances', () => {
  const evolve = instancesTable.evolve;
  type Ev = Parameters<typeof evolve>[1];
  const id = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
  const base = { instanceId: id, app: 'web', nodeId: 'n1' };
  const placed = recorded('InstancePlaced', { ...base, host: '127.0.0.1', port: 20001 }, at(1));
  const running = recorded('InstanceRunning', { ...base, containerId: 'c1' }, at(2));
  const exited = recorded('InstanceExited', { ...base, containerId: 'c1', exitCode: 137 }, at(3));
  const lost = recorded('InstanceLost', { ...base, reason: 'node n1 lost: no heartbeat', replacedBy: null }, at(10));
  const stopRequested = recorded('InstanceStopRequested', { ...base, reason: 'replaced while node was lost' }, at(30));
  const stopped = recorded('InstanceStopped', base, at(31));

  it('shows a lost instance as lost (no longer wanted), whatever its node reports meanwhile', () => {
    expect(fold(evolve, [placed, running, lost])).toMatchObject({ desired: 'stop', state: 'lost' });
    expect(fold(evolve, [placed, lost, running])).toMatchObject({ desired: 'stop', state: 'lost', container_id: 'c1' });
  });

  it('shows it stopping once its stop is decided, and stopped once its node reports so', () => {
    expect(fold(evolve, [placed, running, lost, stopRequested])).toMatchObject({ state: 'stopping' });
    expect(fold(evolve, [placed, running, lost, stopRequested, stopped])).toMatchObject({
      desired: 'stop',
      state: 'stopped',
    });
  });

  it('ends with the same row whatever the interleaving of the app stream and the instance stream', () => {
    const appStream = fc.boolean().map((stop): Ev[] => (stop ? [placed, lost, stopRequested] : [placed, lost]));
    const instanceStream = fc
      .tuple(fc.array(fc.constantFrom<Ev>(running, exited), { maxLength: 3 }), fc.boolean())
      .map(([r, s]) => (s ? [...r, stopped] : r));
    fc.assert(
      fc.property(
        appStream,
        instanceStream,
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        (app, inst, picks) => {
          const mixed: Ev[] = [];
          let i = 0;
          let j = 0;
          for (let k = 0; i < app.length || j < inst.length; k++)
            mixed.push(j >= inst.length || (i < app.length && picks[k % 8]) ? app[i++] : inst[j++]);
          expect(fold(evolve, mixed)).toEqual(fold(evolve, [...app, ...inst]));
        },
      ),
    );
  });
});
