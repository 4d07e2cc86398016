import fc from 'fast-check';
import { instancesTable, InstanceRow } from './instances';
import { at, fold, recorded } from '../../testing/recorded';

const id = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
const base = { instanceId: id, app: 'web', nodeId: 'n1' };
const placed = recorded('InstancePlaced', { ...base, host: '127.0.0.1', port: 20001 }, at(1));
const stopRequested = recorded('InstanceStopRequested', { ...base, reason: 'scaled down' }, at(5));
const running = recorded('InstanceRunning', { ...base, containerId: 'c1' }, at(2));
const exited = recorded('InstanceExited', { ...base, containerId: 'c1', exitCode: 3 }, at(3));
const failed = recorded('InstanceFailed', { ...base, reason: 'bad image' }, at(4));
const stopped = recorded('InstanceStopped', base, at(6));
type Ev = Parameters<typeof instancesTable.evolve>[1];
const evolve = instancesTable.evolve;
const placedChecked = recorded(
  'InstancePlaced',
  { ...base, host: '127.0.0.1', port: 20001, healthCheckKind: 'http' },
  at(1),
);
const running2 = recorded('InstanceRunning', { ...base, containerId: 'c2' }, at(7));
const healthy = recorded(
  'InstanceHealthChanged',
  { ...base, healthy: true, message: 'HTTP 200', containerId: 'c1' },
  at(8),
);
const unhealthy = recorded(
  'InstanceHealthChanged',
  { ...base, healthy: false, message: 'HTTP 404 (expected 200)', containerId: 'c1' },
  at(9),
);
const exitedLater = recorded(
  'InstanceExited',
  { ...base, containerId: 'c1', exitCode: 3, at: at(3), nextAttemptAt: at(5) },
  at(3),
);

describe('instancesTable.evolve', () => {
  it('given nothing, when InstancePlaced, then a placed row wanted running', () => {
    expect(evolve(null, placed)).toEqual<InstanceRow>({
      instance_id: id,
      app: 'web',
      node_id: 'n1',
      host: '127.0.0.1',
      port: 20001,
      desired: 'run',
      state: 'placed',
      container_id: null,
      exit_code: null,
      message: null,
      placed_at: at(1),
      placed_version: 1,
      updated_at: at(1),
      health_check: null,
      health: 'unknown',
      health_message: null,
      health_at: null,
      restarts: 0,
      last_exit_code: null,
      next_attempt_at: null,
    });
  });

  it('given a running report first, when InstancePlaced arrives, then the reported state is kept and the endpoint filled in', () => {
    const early = evolve(null, running)!;
    expect(early).toMatchObject({ state: 'running', host: null, port: null, placed_at: null, container_id: 'c1' });
    expect(evolve(early, placed)).toEqual(fold(evolve, [placed, running]));
    expect(evolve(early, placed)).toMatchObject({
      state: 'running',
      host: '127.0.0.1',
      port: 20001,
      placed_at: at(1),
      updated_at: at(2),
    });
  });

  it('given a placed instance, when a stop is requested, then it is stopping until its node reports stopped', () => {
    expect(fold(evolve, [placed, running, stopRequested])).toMatchObject({ desired: 'stop', state: 'stopping' });
    expect(fold(evolve, [placed, running, stopRequested, stopped])).toMatchObject({
      desired: 'stop',
      state: 'stopped',
      container_id: 'c1',
    });
  });

  it('given a stopped instance, when the stop request arrives late, then it stays stopped', () => {
    expect(fold(evolve, [running, stopped, placed, stopRequested])).toMatchObject({
      desired: 'stop',
      state: 'stopped',
    });
  });

  it('records exit codes and failure messages from reports', () => {
    expect(fold(evolve, [placed, running, exited])).toMatchObject({
      state: 'exited',
      exit_code: 3,
      container_id: 'c1',
    });
    expect(fold(evolve, [placed, failed])).toMatchObject({ state: 'failed', message: 'bad image' });
  });

  it('ends with the same row whatever the interleaving of the app stream and the instance stream', () => {
    const reports = fc.array(fc.constantFrom<Ev>(running, exited, failed, running2, healthy, unhealthy), {
      maxLength: 5,
    });
    const instanceStream = fc.tuple(reports, fc.boolean()).map(([r, stop]) => (stop ? [...r, stopped] : r));
    const appStream = fc
      .tuple(fc.boolean(), fc.boolean())
      .map(([stop, checked]): Ev[] => [checked ? placedChecked : placed, ...(stop ? [stopRequested] : [])]);
    fc.assert(
      fc.property(
        appStream,
        instanceStream,
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        (app, inst, picks) => {
          expect(fold(evolve, interleave(app, inst, picks))).toEqual(fold(evolve, [...app, ...inst]));
        },
      ),
    );
  });

  it('changes nothing when an event is delivered twice in a row', () => {
    const all: Ev[] = [placed, running, exited, failed, stopRequested, stopped, running2, healthy, unhealthy];
    fc.assert(
      fc.property(fc.subarray(all), fc.nat(), (events, i) => {
        const row = fold(evolve, events);
        const e = all[i % all.length];
        expect(evolve(evolve(row, e), e)).toEqual(evolve(row, e));
      }),
    );
  });
});

describe('instancesTable.evolve: health and restarts', () => {
  it('shows an instance without a check healthy while it runs, and unknown otherwise', () => {
    expect(fold(evolve, [placed])).toMatchObject({ health: 'unknown', health_check: null });
    expect(fold(evolve, [placed, running])).toMatchObject({ health: 'healthy' });
    expect(fold(evolve, [placed, running, exited])).toMatchObject({ health: 'unknown' });
  });

  it('shows an instance with a check unknown until its node reports a verdict, then the verdict and its message', () => {
    expect(fold(evolve, [placedChecked, running])).toMatchObject({
      health_check: 'http',
      health: 'unknown',
      health_at: null,
    });
    expect(fold(evolve, [placedChecked, running, unhealthy])).toMatchObject({
      health: 'unhealthy',
      health_message: 'HTTP 404 (expected 200)',
      health_at: at(9),
    });
    expect(fold(evolve, [placedChecked, running, unhealthy, healthy])).toMatchObject({
      health: 'healthy',
      health_message: 'HTTP 200',
    });
  });

  it('keeps the verdict when the placement arrives after it', () => {
    expect(fold(evolve, [running, healthy, placedChecked])).toMatchObject({ health: 'healthy', host: '127.0.0.1' });
  });

  it('forgets the verdict when the container exits or another one runs', () => {
    expect(fold(evolve, [placedChecked, running, healthy, exited])).toMatchObject({
      health: 'unknown',
      health_at: null,
    });
    expect(fold(evolve, [placedChecked, running, healthy, running2])).toMatchObject({ health: 'unknown', restarts: 1 });
  });

  it('counts restarts, keeps the last exit code after a restart and shows the next attempt while exited', () => {
    expect(fold(evolve, [placed, running, exitedLater])).toMatchObject({
      state: 'exited',
      last_exit_code: 3,
      next_attempt_at: at(5),
      restarts: 0,
    });
    expect(fold(evolve, [placed, running, exitedLater, running2])).toMatchObject({
      state: 'running',
      exit_code: null,
      last_exit_code: 3,
      next_attempt_at: null,
      restarts: 1,
    });
  });
});

function interleave<T>(a: readonly T[], b: readonly T[], picks: readonly boolean[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  for (let k = 0; i < a.length || j < b.length; k++) {
    if (j >= b.length || (i < a.length && picks[k % picks.length])) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}
