import { NodeRow } from '@mammoth/read-models';
import { metricsTargets } from './metrics-targets';

const node = (id: string, over: Partial<NodeRow> = {}): NodeRow => ({
  node_id: id,
  hostname: 'h',
  address: '127.0.0.1',
  cpu_millis: 1000,
  memory_mib: 1024,
  disk_mib: 0,
  port_from: 31000,
  port_to: 31999,
  labels: {},
  driver: 'docker',
  metrics_port: 8082,
  status: 'ready',
  registered_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z',
  ...over,
});

describe('metricsTargets', () => {
  it('lists the announced processes and each ready daemon once, labelled with its node', () => {
    const targets = metricsTargets(
      [
        { process: 'control-plane', address: '127.0.0.1:8080' },
        { process: 'projector', address: '127.0.0.1:8081' },
      ],
      [node('n1'), node('n2', { address: '10.0.0.2' }), node('n3', { status: 'lost' })],
    );
    expect(targets).toEqual([
      { job: 'control-plane', address: '127.0.0.1:8080', labels: [] },
      { job: 'projector', address: '127.0.0.1:8081', labels: [] },
      { job: 'node-daemon', address: '127.0.0.1:8082', labels: [{ key: 'node', value: 'n1' }] },
      { job: 'node-daemon', address: '10.0.0.2:8082', labels: [{ key: 'node', value: 'n2' }] },
    ]);
  });

  it('makes one target of a fleet of hollow nodes, and leaves out daemons that name no metrics port', () => {
    const fleet = Array.from({ length: 3 }, (_, i) => node(`hollow-${i}`, { metrics_port: 9000 }));
    expect(metricsTargets([], [...fleet, node('old', { metrics_port: null })])).toEqual([
      { job: 'node-daemon', address: '127.0.0.1:9000', labels: [{ key: 'nodes', value: '3' }] },
    ]);
  });
});
