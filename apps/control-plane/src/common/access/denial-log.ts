/** DENIAL_WINDOW_MS is how long one line stands for every denial of one subject and capability. */
export const DENIAL_WINDOW_MS = 10_000;
const MAX_KEYS = 10_000;

/** DenialLine is what the log writes: the first denial of a window, with how many were left out since the last line. */
export interface DenialLine {
  readonly subject: string;
  readonly capability: string;
  readonly resource: string;
  readonly reason: string;
  readonly suppressed: number;
}

/**
 * DenialLog rate-limits the denial lines a caller can cause: one line per subject and capability per window, the next one
 * saying how many it left out, so a flood of refused calls costs a few log lines and never reaches the event store.
 */
export class DenialLog {
  private readonly windows = new Map<string, { until: number; suppressed: number }>();

  constructor(private readonly write: (line: DenialLine) => void) {}

  /** denied records one denial and writes a line unless one was written for the same key within the window. */
  denied(line: Omit<DenialLine, 'suppressed'>, nowMs: number): void {
    const key = `${line.subject}\u0000${line.capability}`;
    const w = this.windows.get(key);
    if (w && w.until > nowMs) {
      w.suppressed += 1;
      return;
    }
    if (!w && this.windows.size >= MAX_KEYS) this.prune(nowMs);
    this.windows.set(key, { until: nowMs + DENIAL_WINDOW_MS, suppressed: 0 });
    this.write({ ...line, suppressed: w?.suppressed ?? 0 });
  }

  private prune(nowMs: number): void {
    for (const [k, w] of this.windows) if (w.until <= nowMs) this.windows.delete(k);
    if (this.windows.size >= MAX_KEYS) this.windows.clear();
  }
}
