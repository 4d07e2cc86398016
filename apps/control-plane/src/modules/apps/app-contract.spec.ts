import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  AppCommand,
  AppState,
  decideApp,
  DomainError,
  foldApp,
  initialAppState,
  RepairBackoff,
  repairBackedOff,
} from '@mammoth/domain';
import { AppEvent, makeEvent, PackageRef, RecordedEvent } from '@mammoth/events';
import { AppRow, appsTable, InstanceRow, instancesTable } from '@mammoth/read-models';
import { AppModel } from './app.model';
import { fromState } from './from-state';
import { toApp, toInstance } from './queries/apps/registry-reader';

const pkg = (version: string): PackageRef => ({
  name: 'web',
  version,
  digest: `sha256:${version.repeat(64).slice(0, 64)}`,
  format: 'image',
  imageRef: `web:${version}`,
});

const BACKOFF: RepairBackoff = { baseMs: 10_000, maxMs: 60_000, resetAfterMs: 120_000 };

/** Step is one thing that happens to the app: an operator's command, or a scheduling decision the control plane records. */
type Step =
  | { kind: 'command'; command: AppCommand }
  | { kind: 'place'; node: string; port: number }
  | { kind: 'pending'; count: number }
  | { kind: 'repair'; attempts: number }
  | { kind: 'stop' | 'lose' | 'drain'; pick: number };

const commands: fc.Arbitrary<AppCommand> = fc.oneof(
  fc.record({
    type: fc.constant('DeployApp' as const),
    spec: fc.record({
      name: fc.constant('web'),
      package: fc.constantFrom('1', '2').map(pkg),
      instances: fc.integer({ min: 0, max: 4 }),
      resources: fc.record({
        cpuMillis: fc.constantFrom(100, 250),
        memoryMiB: fc.constant(64),
        diskMiB: fc.constant(0),
      }),
      env: fc.constant({}),
      strategy: fc.constantFrom('spread' as const, 'binpack' as const),
      constraints: fc.constantFrom(
        [],
        [{ kind: 'unique' as const }],
        [{ kind: 'label' as const, key: 'rack', op: 'in' as const, values: ['a', 'b'] }, { kind: 'unique' as const }],
        [{ kind: 'max-per' as const, key: 'rack', max: 2 }],
      ),
      healthCheck: fc.constantFrom(undefined, {
        kind: 'tcp' as const,
        intervalMs: 1000,
        timeoutMs: 500,
        gracePeriodMs: 0,
        unhealthyThreshold: 2,
        healthyThreshold: 1,
      }),
      maxRestarts: fc.constantFrom(undefined, 3),
      restartWindowMs: fc.constantFrom(undefined, 60000),
    }),
  }),
  fc.record({
    type: fc.constant('ScaleApp' as const),
    name: fc.constant('web'),
    instances: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({
    type: fc.constant('UpdateApp' as const),
    name: fc.constant('web'),
    package: fc.constantFrom('1', '2', '3').map(pkg),
    canary: fc.constantFrom(null, { instances: 1, weight: 20 }),
  }),
  fc.constant({ type: 'PromoteApp' as const, name: 'web' }),
  fc.constant({ type: 'RollbackApp' as const, name: 'web' }),
  fc.constant({ type: 'RemoveApp' as const, name: 'web' }),
);

const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: commands.map((command) => ({ kind: 'command' as const, command })) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('place' as const),
        node: fc.constantFrom('n1', 'n2'),
        port: fc.integer({ min: 20000, max: 20100 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('pending' as const), count: fc.integer({ min: 1, max: 3 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('repair' as const), attempts: fc.integer({ min: 1, max: 5 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constantFrom('stop' as const, 'lose' as const, 'drain' as const),
        pick: fc.nat(),
      }),
    },
  ),
  { maxLength: 30 },
);

/** eventsOf turns a step into the events the control plane would record for it on the app's current state. */
function eventsOf(step: Step, state: AppState, at: string): AppEvent[] {
  if (step.kind === 'command') {
    const decided = decideApp(step.command, state);
    return decided instanceof DomainError ? [] : [...decided];
  }
  if (state.status !== 'active') return [];
  const live = [...state.live.values()];
  const base = (i: (typeof live)[number]) => ({ app: 'web', instanceId: i.instanceId, nodeId: i.nodeId });
  switch (step.kind) {
    case 'place': {
      const placed = { app: 'web', instanceId: randomUUID(), nodeId: step.node, host: '127.0.0.1', port: step.port };
      return [makeEvent('InstancePlaced', placed)];
    }
    case 'pending':
      return [makeEvent('InstancesPending', { app: 'web', count: step.count, reasons: [{ reason: 'cpu', nodes: 2 }] })];
    case 'repair':
      return [repairBackedOff('web', 'unhealthy: HTTP 500', step.attempts, Date.parse(at), BACKOFF)];
    default: {
      const inst = live[step.pick % Math.max(1, live.length)];
      if (!inst) return [];
      if (step.kind === 'drain') return [makeEvent('InstanceDraining', { ...base(inst), at })];
      const why = { reason: step.kind === 'stop' ? 'scaled down' : 'node lost', replacedBy: null };
      return [makeEvent(step.kind === 'stop' ? 'InstanceStopRequested' : 'InstanceLost', { ...base(inst), ...why })];
    }
  }
}

/** registryOf folds the recorded app stream through the registry's tables, as the projector does. */
function registryOf(recorded: readonly RecordedEvent<AppEvent>[]): { app: AppRow | null; instances: InstanceRow[] } {
  let app: AppRow | null = null;
  const instances = new Map<string, InstanceRow | null>();
  for (const e of recorded) {
    app = appsTable.evolve(app, e);
    if (!(instancesTable.handles as readonly string[]).includes(e.event.type)) continue;
    const id = (e.event.data as { instanceId: string }).instanceId;
    instances.set(
      id,
      instancesTable.evolve(instances.get(id) ?? null, e as Parameters<typeof instancesTable.evolve>[1]),
    );
  }
  return { app, instances: [...instances.values()].filter((i): i is InstanceRow => i !== null) };
}

/**
 * contract is what both sides must agree on: every field the write side answers, and of its instances the ones it places
 * (the running and health counts and each instance's reported state come from nodes, which only the registry hears).
 */
function contract(m: AppModel) {
  const { running: _running, healthy: _healthy, instances, ...rest } = m;
  const placed = instances
    .filter((i) => i.desired === 'run')
    .map((i) => ({ id: i.id, nodeId: i.nodeId, host: i.host, port: i.port }));
  return { ...rest, instances: placed };
}

describe('the read contract: the registry answers what the write side answers', () => {
  it('after any history of commands and scheduling decisions, app(name) equals what the last command returned', () => {
    fc.assert(
      fc.property(steps, (history) => {
        let state = initialAppState();
        const recorded: RecordedEvent<AppEvent>[] = [];
        history.forEach((step, t) => {
          const at = new Date(Date.UTC(2024, 0, 1) + t * 1000).toISOString();
          for (const event of eventsOf(step, state, at)) {
            state = foldApp(state, [event]);
            const metadata = {
              eventId: randomUUID(),
              correlationId: `c${t}`,
              causationId: null,
              actor: 'test',
              timestamp: at,
            };
            const position = String(recorded.length + 1);
            recorded.push({ streamId: 'app-web', streamVersion: recorded.length + 1, position, event, metadata });
          }
        });
        const { app, instances } = registryOf(recorded);
        if (state.status === 'none') return expect(app).toBeNull();
        const listed = instances
          .filter((i) => i.placed_version !== null && i.placed_version > app!.incarnation)
          .sort((a, b) => a.placed_version! - b.placed_version!);
        expect(contract(toApp(app!, listed.map(toInstance)))).toEqual(contract(fromState(state)));
      }),
      { numRuns: 500 },
    );
  });
});
