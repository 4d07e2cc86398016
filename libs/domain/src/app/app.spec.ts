import { AppEvent, Constraint, makeEvent, parseEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { AppCommand, AppSpec, decideApp, evolveApp, initialAppState, MAX_INSTANCES } from './app';
import { MAX_CONSTRAINTS } from './constraints';

const decider = { initialState: initialAppState, evolve: evolveApp, decide: decideApp };
const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const ID1 = '00000000-0000-4000-8000-000000000001';

function appSpec(over: Partial<AppSpec> = {}): AppSpec {
  return {
    name: 'web',
    package: PKG,
    instances: 2,
    resources: { cpuMillis: 500, memoryMiB: 256, diskMiB: 0 },
    env: { MODE: 'prod' },
    constraints: [],
    strategy: 'spread',
    ...over,
  };
}
const deploy = (over: Partial<AppSpec> = {}): AppCommand => ({ type: 'DeployApp', spec: appSpec(over) });
const deployed = (over: Partial<AppSpec> = {}) => makeEvent('AppDeployed', appSpec(over));
const removed = makeEvent('AppRemoved', { name: 'web' });

describe('app decider: DeployApp', () => {
  it('deploys into a namespace and refuses the long form of the default namespace', () => {
    spec(decider)
      .given([])
      .when(deploy({ name: 'team-a/web' }))
      .then([deployed({ name: 'team-a/web' })]);
    spec(decider)
      .given([])
      .when(deploy({ name: 'default/web' }))
      .thenError('INVALID_ARGUMENT', 'name');
    spec(decider)
      .given([])
      .when(deploy({ name: 'mammoth/web' }))
      .thenError('INVALID_ARGUMENT', 'name');
  });

  it('deploys a new app', () => {
    spec(decider).given([]).when(deploy()).then([deployed()]);
  });

  it('allows zero instances', () => {
    spec(decider)
      .given([])
      .when(deploy({ instances: 0 }))
      .then([deployed({ instances: 0 })]);
  });

  it('re-deploys a removed app', () => {
    spec(decider)
      .given([deployed(), removed])
      .when(deploy({ instances: 5 }))
      .then([deployed({ instances: 5 })]);
  });

  it('refuses to deploy over an active app', () => {
    spec(decider).given([deployed()]).when(deploy()).thenError('ALREADY_EXISTS', 'name');
  });

  it.each([
    ['negative instances', { instances: -1 }, 'instances'],
    ['fractional instances', { instances: 1.5 }, 'instances'],
    ['too many instances', { instances: MAX_INSTANCES + 1 }, 'instances'],
    ['an upper-case name', { name: 'Web' }, 'name'],
    ['a name with an underscore', { name: 'my_app' }, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['zero cpu', { resources: { cpuMillis: 0, memoryMiB: 256, diskMiB: 0 } }, 'cpu'],
    ['too little memory', { resources: { cpuMillis: 100, memoryMiB: 3, diskMiB: 0 } }, 'memory'],
    ['negative disk', { resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: -1 } }, 'disk'],
    ['a bad env name', { env: { '1BAD': 'x' } }, 'env.1BAD'],
    ['a reserved env name', { env: { PORT: '80' } }, 'env.PORT'],
  ] as const)('refuses %s, naming the field and writing nothing', (_label, over, field) => {
    const err = spec(decider).given([]).when(deploy(over)).thenError('INVALID_ARGUMENT', field);
    expect(err.message.startsWith(`${field}:`)).toBe(true);
  });

  it('records constraints and strategy, keeping only the fields each kind takes', () => {
    const constraints = [
      { kind: 'label', key: 'rack', op: 'in', values: ['a', 'b'] },
      { kind: 'unique', values: [] },
      { kind: 'max-per', key: 'topology.mammoth.io/rack', max: null },
    ] as unknown as Constraint[];
    const clean: Constraint[] = [
      { kind: 'label', key: 'rack', op: 'in', values: ['a', 'b'] },
      { kind: 'unique' },
      { kind: 'max-per', key: 'topology.mammoth.io/rack' },
    ];
    spec(decider)
      .given([])
      .when(deploy({ constraints, strategy: 'binpack' }))
      .then([deployed({ constraints: clean, strategy: 'binpack' })]);
  });

  const label = (over: object) =>
    [{ kind: 'label', key: 'rack', op: 'equals', values: ['a'], ...over }] as unknown as Constraint[];
  it.each([
    ['an unknown strategy', { strategy: 'random' }, 'strategy'],
    ['an unknown kind', { constraints: [{ kind: 'near' }] }, 'constraints[0].kind'],
    ['an unknown op', { constraints: label({ op: 'like' }) }, 'constraints[0].op'],
    ['a missing op', { constraints: label({ op: undefined }) }, 'constraints[0].op'],
    ['in without values', { constraints: label({ op: 'in', values: [] }) }, 'constraints[0].values'],
    ['not-in without values', { constraints: label({ op: 'not-in', values: undefined }) }, 'constraints[0].values'],
    ['equals with two values', { constraints: label({ values: ['a', 'b'] }) }, 'constraints[0].values'],
    ['exists with a value', { constraints: label({ op: 'exists' }) }, 'constraints[0].values'],
    ['a repeated value', { constraints: label({ op: 'in', values: ['a', 'a'] }) }, 'constraints[0].values'],
    ['a bad label value', { constraints: label({ op: 'in', values: ['a', 'b c'] }) }, 'constraints[0].values[1]'],
    ['an empty key', { constraints: label({ key: '' }) }, 'constraints[0].key'],
    ['a key with a space', { constraints: label({ key: 'my rack' }) }, 'constraints[0].key'],
    ['a key with a bad prefix', { constraints: label({ key: 'Bad_Prefix/rack' }) }, 'constraints[0].key'],
    ['a label constraint with max', { constraints: label({ max: 2 }) }, 'constraints[0].max'],
    ['unique with a key', { constraints: [{ kind: 'unique', key: 'rack' }] }, 'constraints[0].key'],
    ['max-per without a key', { constraints: [{ kind: 'max-per' }] }, 'constraints[0].key'],
    ['max-per with max 0', { constraints: [{ kind: 'max-per', key: 'rack', max: 0 }] }, 'constraints[0].max'],
    [
      'max-per with a fractional max',
      { constraints: [{ kind: 'max-per', key: 'rack', max: 1.5 }] },
      'constraints[0].max',
    ],
    ['max-per with an op', { constraints: [{ kind: 'max-per', key: 'rack', op: 'in' }] }, 'constraints[0].op'],
    [
      'the second constraint at fault',
      { constraints: [{ kind: 'unique' }, { kind: 'max-per', key: '-rack' }] },
      'constraints[1].key',
    ],
    [
      'too many constraints',
      { constraints: Array.from({ length: MAX_CONSTRAINTS + 1 }, () => ({ kind: 'unique' })) },
      'constraints',
    ],
  ])('refuses %s, naming %s', (_label, over, field) => {
    const err = spec(decider)
      .given([])
      .when(deploy(over as Partial<AppSpec>))
      .thenError('INVALID_ARGUMENT', field);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
  });

  it('validates before checking existence', () => {
    spec(decider)
      .given([deployed()])
      .when(deploy({ instances: -3 }))
      .thenError('INVALID_ARGUMENT', 'instances');
  });
});

describe('app decider: ScaleApp', () => {
  it('records the change of the desired count', () => {
    spec(decider)
      .given([deployed()])
      .when({ type: 'ScaleApp', name: 'web', instances: 7 })
      .then([makeEvent('AppScaled', { name: 'web', from: 2, to: 7 })]);
  });

  it('scales from the last scaled count', () => {
    spec(decider)
      .given([deployed(), makeEvent('AppScaled', { name: 'web', from: 2, to: 7 })])
      .when({ type: 'ScaleApp', name: 'web', instances: 0 })
      .then([makeEvent('AppScaled', { name: 'web', from: 7, to: 0 })]);
  });

  it('writes nothing when the count is unchanged', () => {
    spec(decider).given([deployed()]).when({ type: 'ScaleApp', name: 'web', instances: 2 }).then([]);
  });

  it('refuses a negative count', () => {
    spec(decider)
      .given([deployed()])
      .when({ type: 'ScaleApp', name: 'web', instances: -1 })
      .thenError('INVALID_ARGUMENT', 'instances');
  });

  it('refuses a missing app', () => {
    spec(decider).given([]).when({ type: 'ScaleApp', name: 'web', instances: 3 }).thenError('NOT_FOUND', 'name');
  });

  it('refuses a removed app', () => {
    spec(decider)
      .given([deployed(), removed])
      .when({ type: 'ScaleApp', name: 'web', instances: 3 })
      .thenError('NOT_FOUND', 'name');
  });
});

describe('app decider: RemoveApp', () => {
  it('removes an active app', () => {
    spec(decider).given([deployed()]).when({ type: 'RemoveApp', name: 'web' }).then([removed]);
  });

  it('refuses a missing app', () => {
    spec(decider).given([]).when({ type: 'RemoveApp', name: 'web' }).thenError('NOT_FOUND', 'name');
  });

  it('refuses an app removed already', () => {
    spec(decider).given([deployed(), removed]).when({ type: 'RemoveApp', name: 'web' }).thenError('NOT_FOUND', 'name');
  });
});

describe('evolveApp', () => {
  const placed = makeEvent('InstancePlaced', {
    app: 'web',
    instanceId: ID1,
    nodeId: 'n1',
    host: '127.0.0.1',
    port: 20000,
  });
  const pending = makeEvent('InstancesPending', {
    app: 'web',
    count: 2,
    reasons: [{ reason: 'memory exhausted', nodes: 3 }],
  });
  const fold = (events: AppEvent[]) => events.reduce(evolveApp, initialAppState());

  it('tracks live instances and forgets stopped ones', () => {
    const s = fold([deployed(), placed]);
    if (s.status === 'none') throw new Error('app missing');
    expect([...s.live.values()]).toEqual([
      { instanceId: ID1, nodeId: 'n1', host: '127.0.0.1', port: 20000, version: '1.0.0', drainingSince: null },
    ]);
    const s2 = fold([
      deployed(),
      placed,
      makeEvent('InstanceStopRequested', { app: 'web', instanceId: ID1, nodeId: 'n1', reason: 'scaled down' }),
    ]);
    if (s2.status === 'none') throw new Error('app missing');
    expect(s2.live.size).toBe(0);
  });

  it('records pending instances, and a placement clears them', () => {
    const s = fold([deployed(), pending]);
    if (s.status === 'none') throw new Error('app missing');
    expect(s.pending?.count).toBe(2);
    const s2 = fold([deployed(), pending, placed]);
    if (s2.status === 'none') throw new Error('app missing');
    expect(s2.pending).toBeNull();
  });

  it('forgets the pending figure when the desired count changes (it is re-computed by the next scheduling pass)', () => {
    const s = fold([deployed(), pending, makeEvent('AppScaled', { name: 'web', from: 2, to: 1 })]);
    if (s.status === 'none') throw new Error('app missing');
    expect(s.spec.instances).toBe(1);
    expect(s.pending).toBeNull();
  });

  it('keeps the spec and live instances of a removed app so they can be stopped', () => {
    const s = fold([deployed(), placed, removed]);
    expect(s.status).toBe('removed');
    if (s.status === 'none') throw new Error('app missing');
    expect(s.live.size).toBe(1);
    expect(s.spec.instances).toBe(2);
  });

  it('reads a v1 AppDeployed (no constraints, no strategy) as unconstrained spread', () => {
    const v1 = parseEvent('AppDeployed', 1, {
      name: 'web',
      package: PKG,
      instances: 1,
      resources: { cpuMillis: 1, memoryMiB: 4, diskMiB: 0 },
      env: {},
    }) as AppEvent;
    const bare = makeEvent('AppDeployed', {
      name: 'web',
      package: PKG,
      instances: 1,
      resources: { cpuMillis: 1, memoryMiB: 4, diskMiB: 0 },
      env: {},
    });
    for (const e of [v1, bare]) {
      const s = fold([e]);
      if (s.status === 'none') throw new Error('app missing');
      expect([s.spec.constraints, s.spec.strategy]).toEqual([[], 'spread']);
    }
  });

  it('ignores events before the app exists', () => {
    expect(fold([placed, pending, removed]).status).toBe('none');
  });
});
