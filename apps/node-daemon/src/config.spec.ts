import { ConfigError } from '@mammoth/platform';
import { loadConfig, Machine } from './config';

const machine: Machine = { hostname: 'box-1', cpus: 8, memoryMiB: 16000, diskMiB: () => 50000 };

describe('loadConfig', () => {
  it('defaults to the machine: hostname as node id, detected capacity, the default ports, loopback, docker', () => {
    const c = loadConfig({}, [], machine);
    expect(c).toMatchObject({
      nodeId: 'box-1',
      hostname: 'box-1',
      address: '127.0.0.1',
      portRange: { from: 31000, to: 31999 },
      labels: {},
      cpus: 8,
      memoryMiB: 16000,
      diskMiB: 50000,
      driver: 'docker',
      controlPlaneUrls: ['http://127.0.0.1:8080'],
      kafka: { brokers: ['127.0.0.1:9092'], logLevel: 'error' },
      topics: { prefix: 'mammoth', partitions: 3 },
      logging: { level: 'info' },
      health: { host: '127.0.0.1', port: 8082 },
      heartbeatIntervalMs: 1000,
      resyncIntervalMs: 15000,
    });
    expect(c.dataDir).toMatch(/\/\.run\/node-box-1$/);
  });

  it('reads every setting from the environment and --driver', () => {
    const c = loadConfig(
      {
        NODE_ID: 'n7',
        NODE_ADDRESS: '127.0.0.7',
        NODE_PORT_RANGE: '32000-32099',
        NODE_LABELS: 'zone=a, disk=ssd',
        NODE_CPUS: '2.5',
        NODE_MEMORY_MIB: '2048',
        NODE_DISK_MIB: '0',
        NODE_DATA_DIR: '/tmp/n7',
        CONTROL_PLANE_URL: 'http://127.0.0.1:9999, http://127.0.0.2:9999',
        KAFKA_BROKERS: '127.0.0.1:1,127.0.0.1:2',
        MAMMOTH_TOPIC_PREFIX: 't1',
        HEARTBEAT_INTERVAL_MS: '250',
        RESYNC_INTERVAL_MS: '500',
      },
      ['--driver', 'sim'],
      machine,
    );
    expect(c).toMatchObject({
      nodeId: 'n7',
      address: '127.0.0.7',
      portRange: { from: 32000, to: 32099 },
      labels: { zone: 'a', disk: 'ssd' },
      cpus: 2.5,
      memoryMiB: 2048,
      diskMiB: 0,
      dataDir: '/tmp/n7',
      driver: 'sim',
      controlPlaneUrls: ['http://127.0.0.1:9999', 'http://127.0.0.2:9999'],
      kafka: { brokers: ['127.0.0.1:1', '127.0.0.1:2'], logLevel: 'error' },
      topics: { prefix: 't1', partitions: 3 },
      heartbeatIntervalMs: 250,
      resyncIntervalMs: 500,
    });
  });

  it('runs hollow nodes from --driver sim --count or NODE_DRIVER/NODE_COUNT, with their own defaults instead of the machine', () => {
    const fromArgs = loadConfig({}, ['--driver', 'sim', '--count', '50'], machine);
    expect(fromArgs).toMatchObject({
      driver: 'sim',
      count: 50,
      nodeId: 'hollow-0',
      cpus: 8,
      memoryMiB: 32768,
      diskMiB: 102400,
    });
    expect(fromArgs).toMatchObject({ resyncIntervalMs: 60000, reconcileIntervalMs: 10000 });
    expect(fromArgs.sim).toEqual({
      idPrefix: 'hollow',
      racks: 10,
      zones: 3,
      shapes: [{ cpus: 8, memoryMiB: 32768, diskMiB: 102400 }],
      verbose: false,
    });
    const fromEnv = loadConfig(
      { NODE_DRIVER: 'sim', NODE_COUNT: '7', NODE_CPUS: '2', RESYNC_INTERVAL_MS: '1000' },
      [],
      machine,
    );
    expect(fromEnv).toMatchObject({ driver: 'sim', count: 7, resyncIntervalMs: 1000 });
    expect(fromEnv.sim.shapes).toEqual([{ cpus: 2, memoryMiB: 32768, diskMiB: 102400 }]);
    expect(
      loadConfig({ NODE_DRIVER: 'sim', NODE_COUNT: '7' }, ['--driver', 'docker', '--count', '1'], machine),
    ).toMatchObject({ driver: 'docker', count: 1 });
  });

  it.each([
    [{ NODE_PORT_RANGE: '31999-31000' }, [], /NODE_PORT_RANGE/],
    [{ NODE_PORT_RANGE: '80-90' }, [], /NODE_PORT_RANGE/],
    [{ NODE_PORT_RANGE: 'lots' }, [], /NODE_PORT_RANGE/],
    [{ NODE_LABELS: 'zone' }, [], /NODE_LABELS/],
    [{ NODE_ID: 'bad id' }, [], /NODE_ID/],
    [{ NODE_CPUS: '-1' }, [], /NODE_CPUS/],
    [{ NODE_MEMORY_MIB: 'much' }, [], /NODE_MEMORY_MIB/],
    [{ CONTROL_PLANE_URL: 'not a url' }, [], /CONTROL_PLANE_URL/],
    [{ CONTROL_PLANE_URL: 'http://127.0.0.1:8080,' }, [], /CONTROL_PLANE_URL: a comma-separated list of URLs/],
    [{ KAFKA_BROKERS: 'kafka' }, [], /KAFKA_BROKERS: must be host:port/],
    [{ HEALTH_PORT: 'abc' }, [], /HEALTH_PORT/],
    [{ LOG_LEVEL: 'loud' }, [], /LOG_LEVEL/],
    [{}, ['--driver', 'process'], /--driver/],
    [{ NODE_DRIVER: 'process' }, [], /NODE_DRIVER/],
    [{}, ['--driver', 'docker', '--count', '2'], /--count: the docker driver runs exactly one node/],
    [{}, ['--driver', 'sim', '--count', 'many'], /--count/],
    [{}, ['--driver', 'sim', '--count', '0'], /--count/],
    [{ SIM_NODE_SHAPES: '8:32768' }, ['--driver', 'sim'], /SIM_NODE_SHAPES/],
    [{ SIM_NODE_SHAPES: '0:1:1' }, ['--driver', 'sim'], /SIM_NODE_SHAPES/],
  ] as const)('rejects %j %j naming the setting', (env, argv, message) => {
    expect(() => loadConfig(env, [...argv], machine)).toThrow(ConfigError);
    expect(() => loadConfig(env, [...argv], machine)).toThrow(message);
  });
});
