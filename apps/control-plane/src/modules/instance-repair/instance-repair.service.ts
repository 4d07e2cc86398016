import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppendContext } from '@mammoth/event-store';
import { BackgroundLoop, Pass } from '../../common/background-loop';
import { inCommandContext } from '../../common/command-context';
import { Loops } from '../../scheduling/loops';
import { INSTANCE_REPAIR_CONFIG, InstanceRepairConfig } from './instance-repair.config';
import { InstanceRepair, REPAIR_ACTOR } from './instance-repair';
import { RepairCandidates } from './repair-candidates';

/** MAX_RETIRED bounds the instance ids remembered as no longer live (they are skipped without reading their streams). */
const MAX_RETIRED = 100_000;

/**
 * InstanceRepairLoop replaces unhealthy and crash-looping instances without anyone asking. Its loop tails the log for
 * health verdicts and exits (every `watchMs`) and, every `sweepMs`, looks again at recent ones, which covers a trigger that
 * committed late below the tail's position and an attempt that failed; the first sweep after start looks back
 * `startupLookbackMs`. Every control plane may run it: InstanceRepair decides on fresh streams and commits at expected
 * versions, so racing loops replace an instance once. An instance whose app's repairs are backed off is remembered and
 * looked at again when it is due, however far back its verdict lies.
 */
@Injectable()
export class InstanceRepairLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('instance-repair');
  private readonly retired = new Set<string>();
  /** deferred holds instances waiting for their app's backoff, with when they are due (ms since the epoch). */
  private readonly deferred = new Map<string, number>();
  private readonly loop: BackgroundLoop<string>;
  private lookbackMs: number;

  constructor(
    @Inject(INSTANCE_REPAIR_CONFIG) private readonly config: InstanceRepairConfig,
    private readonly candidates: RepairCandidates,
    private readonly repair: InstanceRepair,
    loops: Loops,
  ) {
    this.lookbackMs = config.startupLookbackMs;
    this.loop = loops.create({
      name: 'instance-repair',
      watchMs: config.watchMs,
      sweepMs: config.sweepMs,
      tail: candidates,
      due: () => this.due().length > 0,
      pass: (p) => this.pass(p),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return void this.log.log('instance repair disabled (INSTANCE_REPAIR=off)');
    this.loop.start();
  }

  /** beforeApplicationShutdown ends the loop after the pass in flight, before InfraModule closes the pool. */
  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * check decides for each instance in turn, skipping those known to be retired or waiting; it returns how many it
   * replaced. Each decision runs in a command context of its own: its events and its log lines share a correlation id.
   */
  async check(instanceIds: Iterable<string>): Promise<number> {
    let replaced = 0;
    for (const id of instanceIds) {
      if (this.loop.stopping) break;
      if (this.retired.has(id) || (this.deferred.get(id) ?? 0) > Date.now()) continue;
      this.deferred.delete(id);
      if (await inCommandContext(REPAIR_ACTOR, (ctx) => this.checkOne(id, ctx))) replaced++;
    }
    return replaced;
  }

  /** checkOne decides for one instance and logs what it did; it says whether the instance was replaced. */
  private async checkOne(id: string, ctx: AppendContext): Promise<boolean> {
    try {
      const { events, retired, deferred } = await this.repair.repair(id, ctx);
      if (retired) this.retire(id);
      if (deferred) {
        this.deferred.set(id, deferred.nextAttemptAt);
        const wait = ((deferred.nextAttemptAt - Date.now()) / 1000).toFixed(1);
        this.log.log(
          `instance ${id}: its app was repaired ${deferred.attempts} time(s) in a row; next repair in ${wait} s`,
        );
      }
      for (const e of events)
        if (e.type === 'InstanceStopRequested')
          this.log.log(
            `instance ${id} (${e.data.app}) replaced by ${e.data.replacedBy ?? 'nothing yet (pending)'}: ${e.data.reason}`,
          );
      return events.length > 0;
    } catch (err) {
      this.log.warn(`instance ${id}: ${(err as Error).message}; the next sweep retries`);
      return false;
    }
  }

  private async pass({ sweep, changed }: Pass<string>): Promise<void> {
    await this.check(changed);
    await this.check(this.due());
    if (!sweep) return;
    await this.check(await this.candidates.sweep(new Date(Date.now() - this.lookbackMs)));
    this.lookbackMs = Math.max(60_000, 4 * this.config.sweepMs);
  }

  /** due lists the instances whose app's backoff has ended. */
  private due(): string[] {
    const now = Date.now();
    return [...this.deferred].filter(([, at]) => at <= now).map(([id]) => id);
  }

  private retire(id: string): void {
    if (this.retired.size >= MAX_RETIRED) this.retired.delete(this.retired.values().next().value!);
    this.retired.add(id);
  }
}
