import { InstanceEvent, makeEvent } from '@mammoth/events';
import { checkRestartPolicy, crashLoop, DEFAULT_RESTART_POLICY, restartPolicyOf } from './crash-loop';
import { foldInstance, initialInstanceState, MAX_TRACKED_EXITS } from './instance';

const base = { instanceId: '00000000-0000-4000-8000-0000000000aa', app: 'web', nodeId: 'n1' };
const T0 = Date.parse('2024-01-01T00:00:00.000Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

/** history is an instance that started and exited once at each of the given seconds, restarted after each exit. */
function history(exitSeconds: (number | null)[], exitCode = 3) {
  const events: InstanceEvent[] = [];
  exitSeconds.forEach((s, i) => {
    const containerId = `c${i}`;
    events.push(makeEvent('InstanceRunning', { ...base, containerId }));
    events.push(makeEvent('InstanceExited', { ...base, containerId, exitCode, ...(s === null ? {} : { at: iso(s) }) }));
  });
  return foldInstance(initialInstanceState(), events);
}

describe('crashLoop', () => {
  const policy = { maxRestarts: 2, windowMs: 10_000 };

  it.each([
    ['no exit', [], false],
    ['as many exits as restarts allowed', [0, 1], false],
    ['one exit more than the restarts allowed, within the window', [0, 1, 2], true],
    ['the same exits spread wider than the window', [0, 5, 11], false],
    ['the last exits within the window after old ones outside it', [0, 100, 104, 109], true],
    ['exits exactly one window apart', [0, 5, 10], true],
    ['exits without a recorded time (older events)', [null, null, null, null], false],
  ] as const)('%s: crash-looping is %p', (_label, exits, looping) => {
    expect(crashLoop(history([...exits]), policy) !== null).toBe(looping);
  });

  it('says why, with the count, the span, the limit and the last exit code', () => {
    expect(crashLoop(history([0, 1, 2.5], 3), policy)).toBe(
      'crash loop: exited 3 times within 2.5 s (at most 2 restarts per 10 s), last exit code 3',
    );
  });

  it('with maxRestarts 0, one exit is enough', () => {
    expect(crashLoop(history([0]), { maxRestarts: 0, windowMs: 1000 })).toMatch(/^crash loop: exited 1 times/);
  });

  it('keeps enough exit times for the largest limit, and no more', () => {
    const s = history(Array.from({ length: MAX_TRACKED_EXITS + 5 }, (_, i) => i));
    expect(s.exits).toHaveLength(MAX_TRACKED_EXITS);
    expect(crashLoop(s, { maxRestarts: MAX_TRACKED_EXITS - 1, windowMs: 3_600_000 })).not.toBeNull();
  });
});

describe('restart policy', () => {
  it('fills the defaults for what an app does not say', () => {
    expect(restartPolicyOf({})).toEqual(DEFAULT_RESTART_POLICY);
    expect(restartPolicyOf({ maxRestarts: 1 })).toEqual({ maxRestarts: 1, windowMs: DEFAULT_RESTART_POLICY.windowMs });
  });

  it('names the field at fault', () => {
    expect(checkRestartPolicy(undefined, undefined)).toBeNull();
    expect(checkRestartPolicy(1.5, undefined)?.field).toBe('maxRestarts');
    expect(checkRestartPolicy(1, 0)?.field).toBe('restartWindowMs');
  });
});
