import fc from 'fast-check';
import { AppEvent, makeEvent } from '@mammoth/events';
import { AppState, evolveApp, foldApp, initialAppState } from './app';

const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const spec = {
  name: 'web',
  package: PKG,
  instances: 3,
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  env: {},
  constraints: [],
  strategy: 'spread' as const,
};
const ids = ['i1', 'i2', 'i3', 'i4'].map((n) => `00000000-0000-4000-8000-0000000000${n.slice(1).padStart(2, '0')}`);

/** anEvent draws any app event over a few instance ids, so live-set changes interleave with redeploys, scales and pending figures. */
const anEvent: fc.Arbitrary<AppEvent> = fc.oneof(
  fc.constant(makeEvent('AppDeployed', spec)),
  fc.integer({ min: 0, max: 5 }).map((to) => makeEvent('AppScaled', { name: 'web', from: 3, to })),
  fc.constant(makeEvent('AppRemoved', { name: 'web' })),
  fc
    .constantFrom(...ids)
    .map((instanceId) => makeEvent('InstancePlaced', { app: 'web', instanceId, nodeId: 'n1', host: 'h', port: 20000 })),
  fc
    .constantFrom(...ids)
    .map((instanceId) =>
      makeEvent('InstanceStopRequested', { app: 'web', instanceId, nodeId: 'n1', reason: 'scaled down' }),
    ),
  fc
    .constantFrom(...ids)
    .map((instanceId) =>
      makeEvent('InstanceLost', { app: 'web', instanceId, nodeId: 'n1', reason: 'node n1 lost', replacedBy: null }),
    ),
  fc
    .constantFrom(...ids)
    .map((instanceId) =>
      makeEvent('InstanceDraining', { app: 'web', instanceId, nodeId: 'n1', at: '2026-11-22T10:00:00.000Z' }),
    ),
  fc.constant(
    makeEvent('InstancesPending', { app: 'web', count: 1, reasons: [{ reason: 'memory exhausted', nodes: 2 }] }),
  ),
);

const snapshot = (s: AppState) => (s.status === 'none' ? s : { ...s, live: [...s.live.entries()] });

describe('foldApp', () => {
  it('equals folding event by event with evolveApp, from any state, and leaves the state it starts from unchanged', () => {
    fc.assert(
      fc.property(fc.array(anEvent, { maxLength: 12 }), fc.array(anEvent, { maxLength: 20 }), (before, events) => {
        const start = before.reduce(evolveApp, initialAppState());
        const frozen = snapshot(start);
        expect(snapshot(foldApp(start, events))).toEqual(snapshot(events.reduce(evolveApp, start)));
        expect(snapshot(start)).toEqual(frozen);
      }),
      { numRuns: 500 },
    );
  });
});
