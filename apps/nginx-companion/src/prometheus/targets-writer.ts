import { fileSdGroups, MetricsTarget, writeAtomically } from './targets-file';

/** TargetsWriterOptions configure a TargetsWriter. */
export interface TargetsWriterOptions {
  readonly controlPlaneUrls: readonly string[];
  readonly token: string | null;
  /** file is the file_sd file Prometheus reads (PROMETHEUS_TARGETS_FILE). */
  readonly file: string;
  readonly intervalMs: number;
  /** self is this companion's own /metrics target (its nginx request metrics). */
  readonly self: MetricsTarget;
  readonly log: { log(m: string): void; warn(m: string): void };
  /** onBeat hears of every round that read the targets (the companion's liveness). */
  readonly onBeat?: () => void;
}

const QUERY = '{ metricsTargets { job address labels { key value } } }';

/**
 * TargetsWriter keeps a Prometheus file_sd file in step with Mammoth's registry (the companion pattern): every interval
 * it reads metricsTargets from a control plane and, when they changed, rewrites the file atomically (Prometheus notices
 * the change by itself). While no control plane answers, the file keeps the last targets.
 */
export class TargetsWriter {
  private timer: NodeJS.Timeout | null = null;
  private last = '';
  private failing = false;

  constructor(private readonly opts: TargetsWriterOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.round(), this.opts.intervalMs);
    void this.round();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** round reads the targets once and rewrites the file if they changed; it returns whether it read them. */
  async round(): Promise<boolean> {
    const { log } = this.opts;
    try {
      const targets = await this.read();
      const content = `${JSON.stringify(fileSdGroups([...targets, this.opts.self]), null, 2)}\n`;
      if (content !== this.last) {
        writeAtomically(this.opts.file, content);
        log.log(`wrote ${targets.length + 1} scrape target(s) to ${this.opts.file}`);
        this.last = content;
      }
      if (this.failing) log.log('metrics targets read again');
      this.failing = false;
      this.opts.onBeat?.();
      return true;
    } catch (err) {
      if (!this.failing) log.warn(`cannot read the metrics targets, keeping the last ones: ${(err as Error).message}`);
      this.failing = true;
      return false;
    }
  }

  private async read(): Promise<MetricsTarget[]> {
    let lastError: Error = new Error('no control plane');
    for (const base of this.opts.controlPlaneUrls) {
      try {
        const res = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
          },
          body: JSON.stringify({ query: QUERY }),
          signal: AbortSignal.timeout(5000),
        });
        const body = (await res.json()) as {
          data?: { metricsTargets: MetricsTarget[] };
          errors?: { message: string }[];
        };
        if (body.errors?.length) throw new Error(body.errors[0].message);
        if (!body.data) throw new Error(`HTTP ${res.status} without data`);
        return body.data.metricsTargets;
      } catch (err) {
        lastError = err as Error;
      }
    }
    throw lastError;
  }
}
