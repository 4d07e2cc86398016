import { LbVersion } from '../nginx/nginx-conf';
import { AppliedState } from './state-file';

/** ApplyTarget is what the applier drives: install one version into nginx and return once nginx serves it. */
export interface ApplyTarget {
  apply(v: LbVersion): Promise<void>;
}

/** RejectedConfig is thrown by a target whose nginx refused a configuration (`nginx -t`): trying it again cannot help. */
export class RejectedConfig extends Error {}

/** ApplierLog is the logging the applier needs. */
export interface ApplierLog {
  log(msg: string): void;
  error(msg: string): void;
}

/**
 * Applier applies lb-config versions to nginx one at a time, newest first: versions offered while one is being applied
 * replace each other (each is a whole configuration, so the newest is all nginx needs), and a version not newer than the
 * applied one is ignored, so an older configuration never replaces a newer one. A version nginx rejects is logged and
 * skipped; any other failure (nginx down, a reload that does not take) is retried with backoff until it works or a newer
 * version replaces it. After each apply the new state is saved through `save`.
 */
export class Applier {
  private pending: LbVersion | null = null;
  private running: Promise<void> | null = null;
  private readonly idleWaiters: (() => void)[] = [];
  /** rejected counts versions nginx refused. */
  rejected = 0;

  private stopped = false;

  constructor(
    private readonly target: ApplyTarget,
    private current: AppliedState,
    private readonly save: (s: AppliedState) => void,
    private readonly log: ApplierLog,
    private readonly retryMs = { first: 200, max: 5000 },
  ) {}

  /** applied is the newest version nginx serves. */
  get applied(): AppliedState {
    return this.current;
  }

  /** offer queues a version for applying unless something at least as new is applied or queued. */
  offer(v: LbVersion): void {
    if (v.version <= this.current.version || (this.pending && v.version <= this.pending.version)) return;
    this.pending = v;
    if (!this.running) this.running = this.drain();
  }

  /** forget drops the applied version when the control plane's history is another one (its database was replaced), so its versions apply again. */
  forget(): void {
    this.log.error(
      `the control plane's lb-config history does not contain applied version ${this.current.version} (${this.current.hash}); following its history from the start`,
    );
    this.current = { version: 0, hash: 'none', appliedAt: new Date().toISOString() };
    this.save(this.current);
  }

  /** stop drops what is queued; the apply in flight finishes. */
  stop(): Promise<void> {
    this.stopped = true;
    this.pending = null;
    return this.idle();
  }

  /** idle resolves once nothing is queued or being applied. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    let delay = this.retryMs.first;
    while (this.pending && !this.stopped) {
      const v = this.pending;
      this.pending = null;
      if (v.version <= this.current.version) continue;
      const t0 = Date.now();
      try {
        await this.target.apply(v);
        this.current = { version: v.version, hash: v.hash, appliedAt: new Date().toISOString() };
        this.save(this.current);
        delay = this.retryMs.first;
        this.log.log(`applied lb-config version ${v.version} (${v.hash}) in ${Date.now() - t0} ms`);
      } catch (err) {
        if (err instanceof RejectedConfig) {
          this.rejected++;
          this.log.error(`lb-config version ${v.version} rejected by nginx, skipped: ${err.message}`);
          continue;
        }
        this.log.error(
          `lb-config version ${v.version} not applied yet, retrying in ${delay} ms: ${(err as Error).message}`,
        );
        if (!this.pending && !this.stopped) this.pending = v;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.retryMs.max);
      }
    }
    this.running = null;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
