import { loadConfig, Machine } from '../config';
import { simNodeConfigs } from './sim-nodes';

const machine: Machine = { hostname: 'box', cpus: 2, memoryMiB: 4000, diskMiB: () => 1000 };

describe('simNodeConfigs', () => {
  it('gives each hollow node its own id, hostname, rack and zone labels and the default shape', () => {
    const nodes = simNodeConfigs(
      loadConfig(
        { NODE_LABELS: 'pool=bench', SIM_RACKS: '4', SIM_ZONES: '2' },
        ['--driver', 'sim', '--count', '6'],
        machine,
      ),
    );
    expect(nodes.map((n) => n.nodeId)).toEqual([
      'hollow-0',
      'hollow-1',
      'hollow-2',
      'hollow-3',
      'hollow-4',
      'hollow-5',
    ]);
    expect(nodes.map((n) => n.hostname)).toEqual(nodes.map((n) => n.nodeId));
    expect(nodes.map((n) => `${n.labels.rack}/${n.labels.zone}`)).toEqual([
      'r0/z0',
      'r1/z1',
      'r2/z0',
      'r3/z1',
      'r0/z0',
      'r1/z1',
    ]);
    expect(nodes.every((n) => n.labels.pool === 'bench')).toBe(true);
    expect(nodes[5]).toMatchObject({ cpus: 8, memoryMiB: 32768, diskMiB: 102400, driver: 'sim' });
  });

  it('cycles the configured shapes and honours the id prefix', () => {
    const nodes = simNodeConfigs(
      loadConfig(
        { NODE_ID_PREFIX: 'h', SIM_NODE_SHAPES: '4:8192:1000,16:65536:0' },
        ['--driver', 'sim', '--count', '3'],
        machine,
      ),
    );
    expect(nodes.map((n) => [n.nodeId, n.cpus, n.memoryMiB, n.diskMiB])).toEqual([
      ['h-0', 4, 8192, 1000],
      ['h-1', 16, 65536, 0],
      ['h-2', 4, 8192, 1000],
    ]);
  });
});
