import { appStatus, repairDelay, repairGate, RepairBackoff, RepairStreak } from './repair-backoff';

const backoff: RepairBackoff = { baseMs: 10_000, maxMs: 60_000, resetAfterMs: 120_000 };
/** streak is an app whose `attempts`-th repair in a row happened at `at`. */
const streak = (attempts: number, at: number): RepairStreak => ({
  attempts,
  reason: 'unhealthy: HTTP 500',
  at,
  nextAttemptAt: at + repairDelay(attempts, backoff),
});

describe('repairDelay', () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 60_000],
    [1000, 60_000],
  ])('after the repair number %i in a row the next waits %i ms (doubling, capped)', (attempts, ms) => {
    expect(repairDelay(attempts, backoff)).toBe(ms);
  });
});

describe('repairGate', () => {
  it.each([
    ['an app never repaired: the first repair, now', null, 5_000, { due: true, attempts: 1 }],
    [
      'one repair ago, before its delay: wait',
      streak(1, 1_000),
      5_000,
      { due: false, attempts: 1, nextAttemptAt: 11_000 },
    ],
    ['one repair ago, once its delay passed: the second', streak(1, 1_000), 11_000, { due: true, attempts: 2 }],
    [
      'three in a row: wait four times the base',
      streak(3, 1_000),
      40_999,
      { due: false, attempts: 3, nextAttemptAt: 41_000 },
    ],
    ['a streak quiet for the reset period: starts over', streak(5, 1_000), 121_000, { due: true, attempts: 1 }],
  ])('%s', (_name, s, now, gate) => {
    expect(repairGate(s, now, backoff)).toEqual(gate);
  });
});

describe('appStatus', () => {
  const next = { nextAttemptAt: 10_000 };
  it.each([
    ['a deployed app never repaired', 'deployed', null, 5_000, 0, 'deployed'],
    ['an unhealthy app whose next repair waits', 'deployed', next, 5_000, 1, 'crash-loop-backoff'],
    ['the same once its next repair is due', 'deployed', next, 10_000, 1, 'deployed'],
    ['an app healthy again while the delay runs', 'deployed', next, 5_000, 2, 'deployed'],
    ['a removed app', 'removed', next, 5_000, 0, 'removed'],
  ])('%s', (_name, status, streak, now, healthy, shown) => {
    expect(appStatus(status, streak, now, { healthy, desired: 2 })).toBe(shown);
  });
});
