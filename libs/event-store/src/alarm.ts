/**
 * Alarm is an interruptible sleep for polling loops: sleep(ms) resolves after ms, or as soon as ring() is called. A ring
 * while nobody sleeps is remembered, so the next sleep returns at once and no wake-up (a NOTIFY, a stop) is lost.
 */
export class Alarm {
  private wake: (() => void) | null = null;
  private rang = false;

  /** sleep waits ms milliseconds, or until the alarm rings. */
  sleep(ms: number): Promise<void> {
    if (this.rang) {
      this.rang = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** ring ends the current sleep, or the next one if nobody sleeps now. */
  ring(): void {
    if (this.wake) this.wake();
    else this.rang = true;
  }
}
