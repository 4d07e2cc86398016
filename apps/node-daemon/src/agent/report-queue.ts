import { InstanceReport } from '../control-plane/control-plane.client';

/** ReportSink sends a batch of instance reports; the control plane's reportInstances is the real one. */
export interface ReportSink {
  reportInstances(reports: readonly InstanceReport[]): Promise<unknown>;
}

/** MAX_BATCH caps one reportInstances call. */
const MAX_BATCH = 200;

/**
 * ReportQueue batches instance reports in the order they happened and sends them one batch at a time.
 * A batch that fails stays at the head of the queue and is sent again on the next flush; reports are idempotent on the control plane.
 * A batch the control plane refuses is resent report by report, and only the refused reports are dropped.
 */
export class ReportQueue {
  private queue: InstanceReport[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly sink: ReportSink,
    private readonly onError: (err: unknown, pending: number) => void = () => undefined,
    /** isRejected tells a report the control plane refuses (it would fail forever) from a failure worth retrying. */
    private readonly isRejected: (err: unknown) => boolean = () => false,
    private readonly onRejected: (report: InstanceReport, err: unknown) => void = () => undefined,
  ) {}

  push(report: InstanceReport): void {
    this.queue.push(report);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** flush sends everything queued; concurrent calls share one run, and a failure ends the run (it is retried next time). */
  flush(): Promise<void> {
    this.flushing ??= this.sendAll().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async sendAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, MAX_BATCH);
      try {
        await this.sink.reportInstances(batch);
      } catch (err) {
        if (!this.isRejected(err)) return this.onError(err, this.queue.length);
        if (!(await this.sendOneByOne(batch.length))) return;
        continue;
      }
      this.queue = this.queue.slice(batch.length);
    }
  }

  /** sendOneByOne isolates refused reports so one bad report cannot block the rest; false when a retryable failure stops it. */
  private async sendOneByOne(count: number): Promise<boolean> {
    for (let i = 0; i < count; i++) {
      const [report] = this.queue;
      try {
        await this.sink.reportInstances([report]);
      } catch (err) {
        if (!this.isRejected(err)) {
          this.onError(err, this.queue.length);
          return false;
        }
        this.onRejected(report, err);
      }
      this.queue = this.queue.slice(1);
    }
    return true;
  }
}
