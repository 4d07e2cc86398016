import { InstanceEvent, makeEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { decideInstance, evolveInstance, foldInstance, initialInstanceState, ReportInstance } from './instance';

const decider = { initialState: initialInstanceState, evolve: evolveInstance, decide: decideInstance };
const ID = '00000000-0000-4000-8000-0000000000aa';
const base = { instanceId: ID, app: 'web', nodeId: 'n1' };
const report = (over: Partial<ReportInstance>): ReportInstance => ({
  type: 'ReportInstance',
  ...base,
  state: 'running',
  ...over,
});
const running = (containerId = 'c1') => makeEvent('InstanceRunning', { ...base, containerId });
const exited = (containerId = 'c1', exitCode = 1) => makeEvent('InstanceExited', { ...base, containerId, exitCode });
const failed = (reason = 'bad image') => makeEvent('InstanceFailed', { ...base, reason });
const stopped = makeEvent('InstanceStopped', base);

describe('instance decider', () => {
  it('records a first running report', () => {
    spec(decider)
      .given([])
      .when(report({ state: 'running', containerId: 'c1' }))
      .then([running()]);
  });

  it('writes nothing when the same container is reported running again', () => {
    spec(decider)
      .given([running()])
      .when(report({ state: 'running', containerId: 'c1' }))
      .then([]);
  });

  it('records a new container for a running instance', () => {
    spec(decider)
      .given([running()])
      .when(report({ state: 'running', containerId: 'c2' }))
      .then([running('c2')]);
  });

  it('records an exit, including exit code 0', () => {
    spec(decider)
      .given([running()])
      .when(report({ state: 'exited', containerId: 'c1', exitCode: 0 }))
      .then([exited('c1', 0)]);
  });

  it('writes nothing for a repeated exit of the same container', () => {
    spec(decider)
      .given([running(), exited()])
      .when(report({ state: 'exited', containerId: 'c1', exitCode: 1 }))
      .then([]);
  });

  it('records a failure once, with a default reason', () => {
    spec(decider)
      .given([])
      .when(report({ state: 'failed' }))
      .then([failed('unknown failure')]);
    spec(decider)
      .given([failed()])
      .when(report({ state: 'failed', reason: 'again' }))
      .then([]);
  });

  it('records a stop, and ignores every report after it', () => {
    spec(decider)
      .given([running()])
      .when(report({ state: 'stopped' }))
      .then([stopped]);
    spec(decider)
      .given([running(), stopped])
      .when(report({ state: 'running', containerId: 'c9' }))
      .then([]);
    spec(decider)
      .given([running(), stopped])
      .when(report({ state: 'stopped' }))
      .then([]);
  });

  it.each([
    ['running without a container', { state: 'running' as const, containerId: null }, 'containerId'],
    ['exited without a container', { state: 'exited' as const, exitCode: 1 }, 'containerId'],
    ['exited without an exit code', { state: 'exited' as const, containerId: 'c1' }, 'exitCode'],
  ])('refuses a report %s, naming the field', (_label, over, field) => {
    spec(decider).given([]).when(report(over)).thenError('INVALID_ARGUMENT', field);
  });

  it('counts restarts: running after an exit', () => {
    const events: InstanceEvent[] = [running('c1'), exited('c1'), running('c2'), exited('c2'), running('c3')];
    const s = foldInstance(initialInstanceState(), events);
    expect(s).toMatchObject({ state: 'running', containerId: 'c3', exitCode: 1, restarts: 2 });
  });
});

describe('instance decider: health and exits', () => {
  const healthy = (message = 'HTTP 200', containerId = 'c1') =>
    makeEvent('InstanceHealthChanged', { ...base, healthy: true, message, containerId });
  const unhealthy = (message = 'HTTP 404 (expected 200)', containerId = 'c1') =>
    makeEvent('InstanceHealthChanged', { ...base, healthy: false, message, containerId });
  const withHealth = (ok: boolean, message: string, containerId = 'c1') =>
    report({ state: 'running', containerId, health: { healthy: ok, message } });
  const fold = (events: InstanceEvent[]) => foldInstance(initialInstanceState(), events);

  it('records the first health result of a running container', () => {
    spec(decider).given([running()]).when(withHealth(true, 'HTTP 200')).then([healthy()]);
  });

  it('records the container as running before its health when the health report comes first', () => {
    spec(decider)
      .given([])
      .when(withHealth(false, 'connection refused'))
      .then([running(), unhealthy('connection refused')]);
  });

  it('writes nothing when the same health is reported twice, even with another message', () => {
    spec(decider).given([running(), unhealthy()]).when(withHealth(false, 'timed out after 2000 ms')).then([]);
    spec(decider).given([running(), healthy()]).when(withHealth(true, 'HTTP 200')).then([]);
  });

  it('records a change from healthy to unhealthy and back', () => {
    spec(decider)
      .given([running(), healthy()])
      .when(withHealth(false, 'HTTP 500 (expected 200)'))
      .then([unhealthy('HTTP 500 (expected 200)')]);
    spec(decider).given([running(), healthy(), unhealthy()]).when(withHealth(true, 'HTTP 200')).then([healthy()]);
  });

  it("forgets a container's health when a new container runs, so the same verdict on the new one is recorded again", () => {
    expect(fold([running('c1'), healthy()]).health).toBe('healthy');
    expect(fold([running('c1'), healthy(), exited('c1')]).health).toBe('unknown');
    spec(decider)
      .given([running('c1'), healthy(), exited('c1'), running('c2')])
      .when(withHealth(true, 'HTTP 200', 'c2'))
      .then([healthy('HTTP 200', 'c2')]);
  });

  it('ignores a late running or health report for a container already reported exited', () => {
    spec(decider)
      .given([running('c1'), exited('c1')])
      .when(withHealth(false, 'connection refused'))
      .then([]);
  });

  it('ignores health on a report that is not running', () => {
    spec(decider)
      .given([running()])
      .when(report({ state: 'exited', containerId: 'c1', exitCode: 3, health: { healthy: false, message: 'x' } }))
      .then([exited('c1', 3)]);
  });

  it('records when an exit happened and when the node will try again, and keeps the exit times', () => {
    const at = '2024-01-01T00:00:01.000Z';
    const nextAttemptAt = '2024-01-01T00:00:03.000Z';
    const event = makeEvent('InstanceExited', { ...base, containerId: 'c1', exitCode: 3, at, nextAttemptAt });
    spec(decider)
      .given([running()])
      .when(report({ state: 'exited', containerId: 'c1', exitCode: 3, at, nextAttemptAt }))
      .then([event]);
    expect(
      fold([
        running('c1'),
        event,
        running('c2'),
        { ...event, data: { ...event.data, containerId: 'c2', at: nextAttemptAt } },
      ]).exits,
    ).toEqual([at, nextAttemptAt]);
  });

  it.each([
    ['at', { at: 'yesterday' }],
    ['nextAttemptAt', { nextAttemptAt: '2024-01-01 00:00:00' }],
  ])('refuses an exited report whose %s is not an ISO time, naming the field', (field, over) => {
    spec(decider)
      .given([running()])
      .when(report({ state: 'exited', containerId: 'c1', exitCode: 1, ...over }))
      .thenError('INVALID_ARGUMENT', field);
  });
});
