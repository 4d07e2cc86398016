/**
 * throttledLog prints at most one line per period and says how many it held back, so a failure shared by thousands of
 * hollow nodes reads as one line, not thousands.
 */
export function throttledLog(
  log: (message: string) => void,
  periodMs: number,
  now: () => number = Date.now,
): (message: string) => void {
  let last = -Infinity;
  let held = 0;
  return (message) => {
    const t = now();
    if (t - last < periodMs) {
      held++;
      return;
    }
    log(held > 0 ? `${message} (and ${held} similar message(s) held back)` : message);
    last = t;
    held = 0;
  };
}
