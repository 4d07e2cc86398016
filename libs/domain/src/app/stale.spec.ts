import { makeEvent, Resources } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { AppSpec, AppState, evolveApp, initialAppState } from './app';
import { STALE_REASON, stopStaleInstances } from './stale';

const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const SHAPE: Resources = { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 };
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const appSpec = (instances: number): AppSpec => ({
  name: 'web',
  package: PKG,
  instances,
  resources: SHAPE,
  env: {},
  constraints: [],
  strategy: 'spread',
});
const placed = (n: number, nodeId: string) =>
  makeEvent('InstancePlaced', { app: 'web', instanceId: uuid(n), nodeId, host: 'h', port: 20000 + n });
const lost = (n: number, replacedBy: number) =>
  makeEvent('InstanceLost', {
    app: 'web',
    instanceId: uuid(n),
    nodeId: 'n1',
    reason: 'node n1 lost: silent',
    replacedBy: uuid(replacedBy),
  });
const stopRequested = (n: number, reason = STALE_REASON) =>
  makeEvent('InstanceStopRequested', { app: 'web', instanceId: uuid(n), nodeId: 'n1', reason });
const unassigned = (n: number, reason = STALE_REASON) =>
  makeEvent('InstanceUnassigned', { instanceId: uuid(n), app: 'web', reason });

/** StopStale is the recovered node's candidates plus which live instances their nodes report running. */
interface StopStale {
  readonly candidates: number[];
  readonly running: number[];
}

const nodeEvents: unknown[][] = [];
const decider = {
  initialState: initialAppState,
  evolve: evolveApp,
  decide: (cmd: StopStale, state: AppState) => {
    const r = stopStaleInstances(
      state,
      'web',
      cmd.candidates.map((n) => ({ instanceId: uuid(n), nodeId: 'n1' })),
      new Set(cmd.running.map(uuid)),
    );
    nodeEvents.push([...(r.nodes.get('n1') ?? [])], [r.waiting]);
    return r.app;
  },
};
const lastNodeEvents = () => JSON.parse(JSON.stringify(nodeEvents.slice(-2)));

// Three wanted; n1 had 1 and 2 and was lost; they were replaced by 4 and 5 on n2, where 3 also runs.
const history = [
  makeEvent('AppDeployed', appSpec(3)),
  placed(1, 'n1'),
  placed(2, 'n1'),
  placed(3, 'n2'),
  lost(1, 4),
  lost(2, 5),
  placed(4, 'n2'),
  placed(5, 'n2'),
];

describe('stopStaleInstances', () => {
  it('stops nothing while no replacement runs yet: both stale instances wait', () => {
    spec(decider)
      .given(history)
      .when({ candidates: [1, 2], running: [3] })
      .then([]);
    expect(lastNodeEvents()).toEqual([[], [2]]);
  });

  it('stops one stale instance per replacement that runs, never leaving fewer copies than wanted', () => {
    spec(decider)
      .given(history)
      .when({ candidates: [1, 2], running: [3, 4] })
      .then([stopRequested(1)]);
    expect(lastNodeEvents()).toEqual([JSON.parse(JSON.stringify([unassigned(1)])), [1]]);
  });

  it('stops every stale instance once all replacements run', () => {
    spec(decider)
      .given(history)
      .when({ candidates: [1, 2], running: [3, 4, 5] })
      .then([stopRequested(1), stopRequested(2)]);
    expect(lastNodeEvents()[1]).toEqual([0]);
  });

  it('keeps an instance the app still counts live on the recovered node: it is not stale', () => {
    spec(decider)
      .given([makeEvent('AppDeployed', appSpec(1)), placed(1, 'n1')])
      .when({ candidates: [1], running: [] })
      .then([]);
    expect(lastNodeEvents()).toEqual([[], [0]]);
  });

  it('stops the stale instances of an app scaled down or removed meanwhile at once', () => {
    const removed = [...history, makeEvent('AppRemoved', { name: 'web' })];
    const reason = 'app removed while node was lost';
    spec(decider)
      .given(removed)
      .when({ candidates: [1, 2], running: [] })
      .then([stopRequested(1, reason), stopRequested(2, reason)]);
    const scaled = [
      ...history.slice(0, 4),
      lost(1, 4),
      lost(2, 5),
      makeEvent('AppScaled', { name: 'web', from: 3, to: 1 }),
    ];
    spec(decider)
      .given(scaled)
      .when({ candidates: [1, 2], running: [3] })
      .then([stopRequested(1), stopRequested(2)]);
  });
});
