import { InstanceReport } from '../control-plane/control-plane.client';
import { ReportSink } from '../agent/report-queue';

/** ReportBatcherOptions tune how reports of many nodes are merged into few calls. */
export interface ReportBatcherOptions {
  /** maxBatch caps the reports of one call; a full batch goes out at once. */
  readonly maxBatch: number;
  /** maxBytes caps the JSON size of one call's reports (the control plane refuses large bodies). */
  readonly maxBytes: number;
  /** lingerMs is how long a partial batch waits for more when no call is in flight. */
  readonly lingerMs: number;
  /** concurrency caps the calls in flight. */
  readonly concurrency: number;
  /** isRejected tells a refusal (bad input) from a failure worth retrying. */
  readonly isRejected: (err: unknown) => boolean;
  /** onSent hears of every batch delivered, for counting. */
  readonly onSent?: (reports: readonly InstanceReport[]) => void;
}

interface Submission {
  readonly reports: readonly InstanceReport[];
  readonly bytes: number;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * ReportBatcher merges the report batches of many hollow nodes into few large reportInstances calls. Each node keeps
 * its own ReportQueue (order, retry, isolating refused reports); the batcher only carries them. A merged call that the
 * control plane refuses is split into the nodes' own batches, so one node's bad report never fails another node's.
 */
export class ReportBatcher {
  private waiting: Submission[] = [];
  private waitingReports = 0;
  private waitingBytes = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sink: ReportSink,
    private readonly opts: ReportBatcherOptions,
  ) {}

  /** sinkFor is the ReportSink one node's ReportQueue sends through. */
  sinkFor(): ReportSink {
    return { reportInstances: (reports) => this.submit(reports) };
  }

  /** submit queues one node's batch and resolves once the control plane has taken it. */
  submit(reports: readonly InstanceReport[]): Promise<void> {
    if (reports.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const bytes = JSON.stringify(reports).length;
      this.waiting.push({ reports, bytes, resolve, reject });
      this.waitingReports += reports.length;
      this.waitingBytes += bytes;
      if (this.waitingReports >= this.opts.maxBatch || this.waitingBytes >= this.opts.maxBytes) this.pump();
      else this.timer ??= setTimeout(() => this.pump(), this.opts.lingerMs);
    });
  }

  /** pending is the number of reports waiting for a call. */
  get pending(): number {
    return this.waitingReports;
  }

  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.inFlight < this.opts.concurrency && this.waiting.length > 0) void this.send(this.take());
  }

  /** take removes submissions worth at most maxBatch reports and maxBytes (always at least one) from the head. */
  private take(): Submission[] {
    const batch: Submission[] = [];
    let n = 0;
    let bytes = 0;
    const fits = (s: Submission) => n + s.reports.length <= this.opts.maxBatch && bytes + s.bytes <= this.opts.maxBytes;
    while (this.waiting.length > 0 && (batch.length === 0 || fits(this.waiting[0]))) {
      const s = this.waiting.shift()!;
      batch.push(s);
      n += s.reports.length;
      bytes += s.bytes;
    }
    this.waitingReports -= n;
    this.waitingBytes -= bytes;
    return batch;
  }

  private async send(batch: Submission[]): Promise<void> {
    this.inFlight++;
    try {
      await this.deliver(batch);
    } finally {
      this.inFlight--;
      // Whatever arrived during the call has waited long enough: send it now rather than after another linger.
      if (this.waiting.length > 0) this.pump();
    }
  }

  private async deliver(batch: Submission[]): Promise<void> {
    const reports = batch.length === 1 ? batch[0].reports : batch.flatMap((s) => s.reports);
    try {
      await this.sink.reportInstances(reports);
      this.opts.onSent?.(reports);
      batch.forEach((s) => s.resolve());
    } catch (err) {
      if (batch.length > 1 && this.opts.isRejected(err)) {
        for (const s of batch) await this.deliver([s]);
        return;
      }
      batch.forEach((s) => s.reject(err));
    }
  }
}
