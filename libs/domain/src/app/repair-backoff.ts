import { AppEvent, makeEvent } from '@mammoth/events';

/**
 * RepairBackoff spaces out the repairs of one app (Kubernetes' CrashLoopBackOff, Nomad's reschedule delay): the first
 * repair is immediate, the next waits `baseMs` after it, the one after twice that, up to `maxMs`. An app that went
 * `resetAfterMs` without a repair has been healthy: its next repair starts the count over.
 */
export interface RepairBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly resetAfterMs: number;
}

/** RepairStreak is an app's latest repair as its last AppRepairBackedOff recorded it; times in ms since the epoch. */
export interface RepairStreak {
  readonly attempts: number;
  readonly reason: string;
  readonly at: number;
  readonly nextAttemptAt: number;
}

/** RepairGate says whether an app may be repaired now (the how-many-th repair in a row it is), or when it may. */
export type RepairGate =
  | { readonly due: true; readonly attempts: number }
  | { readonly due: false; readonly attempts: number; readonly nextAttemptAt: number };

/** repairDelay is how long the app's next repair waits after its `attempts`-th in a row: min(maxMs, baseMs × 2^(attempts−1)). */
export function repairDelay(attempts: number, backoff: RepairBackoff): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempts - 1, 52));
}

/**
 * repairGate applies the backoff to an app's streak at `now`: no streak, or one whose last repair lies `resetAfterMs` back,
 * makes the next repair the first in a row; otherwise it is due at the streak's `nextAttemptAt` and counts one more.
 */
export function repairGate(streak: RepairStreak | null, now: number, backoff: RepairBackoff): RepairGate {
  if (!streak || now - streak.at >= backoff.resetAfterMs) return { due: true, attempts: 1 };
  if (now < streak.nextAttemptAt) return { due: false, attempts: streak.attempts, nextAttemptAt: streak.nextAttemptAt };
  return { due: true, attempts: streak.attempts + 1 };
}

/** CRASH_LOOP_BACKOFF is an app's status while its instances are not all healthy and its next repair must wait. */
export const CRASH_LOOP_BACKOFF = 'crash-loop-backoff';

/** appStatus is what an app shows: CRASH_LOOP_BACKOFF while fewer than `desired` are healthy and its repairs wait, else `status`. */
export function appStatus(
  status: string,
  streak: Pick<RepairStreak, 'nextAttemptAt'> | null,
  now: number,
  counts: { readonly healthy: number; readonly desired: number },
): string {
  const waiting = streak !== null && now < streak.nextAttemptAt && counts.healthy < counts.desired;
  return status === 'deployed' && waiting ? CRASH_LOOP_BACKOFF : status;
}

/** repairBackedOff records the `attempts`-th repair of an app in a row at `now`, and when the next may come. */
export function repairBackedOff(
  name: string,
  reason: string,
  attempts: number,
  now: number,
  backoff: RepairBackoff,
): AppEvent {
  return makeEvent('AppRepairBackedOff', {
    name,
    reason,
    attempts,
    at: new Date(now).toISOString(),
    nextAttemptAt: new Date(now + repairDelay(attempts, backoff)).toISOString(),
  });
}
