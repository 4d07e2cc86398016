import { Ev, ev, recordedHistory, uuid } from '../testing/lb-events';
import { evolveLbEndpoint, evolveLbNode, LbEndpointRow, LbModel } from './lb-model';

const I1 = uuid(1);
const I2 = uuid(2);
const I3 = uuid(3);
const event = (e: ReturnType<typeof ev.placed>) => recordedHistory([[e]])[0].event;
const model = (...commits: ReturnType<typeof ev.placed>[][]) => {
  const m = new LbModel();
  for (const e of recordedHistory(commits)) m.apply(e);
  return m;
};

describe('evolveLbEndpoint', () => {
  const placed: LbEndpointRow = {
    instance_id: I1,
    app: 'web',
    node_id: 'n1',
    host: '127.0.0.1',
    port: 20001,
    weight: 1,
    desired: 'run',
    state: 'placed',
    version: '',
    health: 'none',
    container_id: null,
  };
  const given = (row: LbEndpointRow | null, e: ReturnType<typeof ev.placed>, tracked = true) =>
    evolveLbEndpoint(row, event(e) as never, tracked);

  it.each([
    ['placed on a real node', null, ev.placed('web', I1, 'n1', 20001), true, placed],
    ['placed on a node it does not track (sim)', null, ev.placed('web', I1, 's1', 20001), false, null],
    ['running', placed, ev.running('web', I1, 'n1'), true, { ...placed, state: 'running', container_id: 'c' }],
    ['exited', { ...placed, state: 'running' }, ev.exited('web', I1, 'n1'), true, { ...placed, state: 'exited' }],
    [
      'stop requested',
      { ...placed, state: 'running' },
      ev.stopRequested('web', I1, 'n1'),
      true,
      { ...placed, state: 'running', desired: 'stop' },
    ],
    [
      'stopped after a stop request: forgotten',
      { ...placed, desired: 'stop' },
      ev.stopped('web', I1, 'n1'),
      true,
      null,
    ],
    [
      'stopped while wanted',
      { ...placed, state: 'running' },
      ev.stopped('web', I1, 'n1'),
      true,
      { ...placed, state: 'stopped' },
    ],
    [
      'stop requested after it stopped: forgotten',
      { ...placed, state: 'stopped' },
      ev.stopRequested('web', I1, 'n1'),
      true,
      null,
    ],
    ['a report for an instance it never saw', null, ev.running('web', I1, 'n1'), true, null],
  ] as const)('given %s', (_what, row, e, tracked, then) => {
    expect(given(row, e as never, tracked)).toEqual(then);
  });
});

describe('rollouts and health', () => {
  const checked = (app: string, id: string, port: number, version?: string): Ev => [
    'InstancePlaced',
    {
      app,
      instanceId: id,
      nodeId: 'n1',
      host: '127.0.0.1',
      port,
      healthCheckKind: 'http',
      ...(version ? { version } : {}),
    },
  ];
  const healthy = (id: string, ok = true): Ev => [
    'InstanceHealthChanged',
    { app: 'web', instanceId: id, nodeId: 'n1', healthy: ok, message: '', containerId: 'c' },
  ];
  const to2 = (canary: { instances: number; weight: number } | null): Ev => {
    const p = {
      name: 'hello',
      version: '1',
      digest: `sha256:${'0'.repeat(64)}`,
      format: 'image' as const,
      imageRef: 'hello:1',
    };
    return [
      'AppUpdateStarted',
      { name: 'web', from: p, to: { ...p, version: '2' }, maxSurge: 1, maxUnavailable: 0, canary },
    ];
  };
  const servers = (m: LbModel) =>
    m
      .upstreams()
      .find((u) => u.app === 'web')!
      .servers.map((s) => `${s.port}:${s.weight}`);

  it('routes to a checked instance only once it is healthy, and not once it is unhealthy or draining', () => {
    const base = [
      [ev.node('n1')],
      [ev.deployed('web'), checked('web', I1, 20001), checked('web', I2, 20002)],
      [ev.running('web', I1, 'n1'), ev.running('web', I2, 'n1')],
    ];
    expect(servers(model(...base))).toEqual([]);
    expect(servers(model(...base, [healthy(I1)]))).toEqual(['20001:1']);
    expect(servers(model(...base, [healthy(I1), healthy(I2)], [healthy(I2, false)]))).toEqual(['20001:1']);
    expect(
      servers(
        model(
          ...base,
          [healthy(I1), healthy(I2)],
          [['InstanceDraining', { app: 'web', instanceId: I1, nodeId: 'n1', at: new Date(0).toISOString() }]],
        ),
      ),
    ).toEqual(['20002:1']);
  });

  it('gives a canary exactly its weight: new endpoints w·nOld, old ones (100 − w)·nNew, reduced', () => {
    const base = [
      [ev.node('n1')],
      [ev.deployed('web'), ev.placed('web', I1, 'n1', 20001), ev.placed('web', I2, 'n1', 20002)],
    ];
    const run = [ev.running('web', I1, 'n1'), ev.running('web', I2, 'n1'), ev.running('web', I3, 'n1')];
    const canary = model(...base, [to2({ instances: 1, weight: 20 }), ev.placed('web', I3, 'n1', 20003)], run);
    // 2 old, 1 new at 20 %: new 20·2 = 40, old 80·1 = 80 → 1 and 2: the new one gets 1 / (1 + 2 + 2) = 20 %.
    expect(servers(canary)).toEqual(['20001:2', '20002:2', '20003:1']);
    const promoted = model(...base, [to2({ instances: 1, weight: 20 }), ev.placed('web', I3, 'n1', 20003)], run, [
      ['AppCanaryPromoted', { name: 'web', version: '2' }],
    ]);
    expect(servers(promoted)).toEqual(['20001:1', '20002:1', '20003:1']);
    const plain = model(...base, [to2(null), ev.placed('web', I3, 'n1', 20003)], run);
    expect(servers(plain)).toEqual(['20001:1', '20002:1', '20003:1']);
  });
});

describe('evolveLbNode', () => {
  it('tracks real nodes only, and whether they are lost', () => {
    expect(evolveLbNode(null, event(ev.node('s1', 'sim')) as never)).toBeNull();
    const n1 = evolveLbNode(null, event(ev.node('n1')) as never);
    expect(n1).toEqual({ node_id: 'n1', lost: false });
    const lost = evolveLbNode(n1, event(ev.nodeLost('n1')) as never);
    expect(lost).toEqual({ node_id: 'n1', lost: true });
    expect(evolveLbNode(lost, event(ev.node('n1')) as never)).toEqual({ node_id: 'n1', lost: true });
    expect(evolveLbNode(lost, event(ev.nodeRecovered('n1')) as never)).toEqual({ node_id: 'n1', lost: false });
    expect(evolveLbNode(null, event(ev.nodeLost('n9')) as never)).toBeNull();
  });
});

describe('LbModel.upstreams', () => {
  it('lists every known app by name with its running, wanted endpoints sorted by host and port', () => {
    const m = model(
      [ev.node('n1'), ev.node('n2')],
      [
        ev.deployed('web'),
        ev.placed('web', I1, 'n2', 20009),
        ev.placed('web', I2, 'n1', 20001),
        ev.placed('web', I3, 'n1', 20002),
      ],
      [ev.deployed('api')],
      [ev.running('web', I1, 'n2'), ev.running('web', I2, 'n1')],
    );
    expect(m.upstreams()).toEqual([
      { app: 'api', servers: [] },
      {
        app: 'web',
        servers: [
          { host: '127.0.0.1', port: 20001, weight: 1 },
          { host: '127.0.0.1', port: 20009, weight: 1 },
        ],
      },
    ]);
  });

  it('drops endpoints that are asked to stop, on a lost node, of a removed app, or released with their removed node', () => {
    const m = model(
      [ev.node('n1'), ev.node('n2'), ev.deployed('web')],
      [ev.placed('web', I1, 'n1', 1), ev.placed('web', I2, 'n2', 2), ev.placed('web', I3, 'n2', 3)],
      [ev.running('web', I1, 'n1'), ev.running('web', I2, 'n2'), ev.running('web', I3, 'n2')],
    );
    expect(m.upstreams()[0].servers.map((s) => s.port)).toEqual([1, 2, 3]);
    m.apply(recordedHistory([[ev.stopRequested('web', I3, 'n2')]])[0]);
    expect(m.upstreams()[0].servers.map((s) => s.port)).toEqual([1, 2]);
    m.apply(recordedHistory([[ev.nodeLost('n1')]])[0]);
    expect(m.upstreams()[0].servers.map((s) => s.port)).toEqual([2]);
    m.apply(
      recordedHistory([
        [['NodeRemoved', { nodeId: 'n2', reason: 'gone', released: [{ instanceId: I2, app: 'web' }] }]],
      ])[0],
    );
    expect(m.endpoints.has(I2)).toBe(false);
    expect(m.upstreams()).toEqual([{ app: 'web', servers: [] }]);
    m.apply(recordedHistory([[ev.removed('web')]])[0]);
    expect(m.upstreams()).toEqual([]);
  });

  it('ignores instances on hollow nodes entirely: no row, no change', () => {
    const m = model([ev.node('s1', 'sim'), ev.deployed('web')]);
    m.clearTouched();
    for (const e of recordedHistory([[ev.placed('web', I1, 's1', 1), ev.running('web', I1, 's1')]]))
      expect(m.apply(e)).toBe(false);
    expect(m.endpoints.size).toBe(0);
    expect(m.touched.endpoints.size).toBe(0);
  });
});
