import { Alarm } from '@mammoth/event-store';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { INSTANCE_REPAIR_CONFIG, InstanceRepairConfig } from './instance-repair.config';
import { InstanceRepair } from './instance-repair';
import { RepairCandidates } from './repair-candidates';

/** MAX_RETIRED bounds the instance ids remembered as no longer live (they are skipped without reading their streams). */
const MAX_RETIRED = 100_000;

/**
 * InstanceRepairLoop replaces unhealthy and crash-looping instances without anyone asking. It tails the log for health verdicts
 * and exits (every `watchMs`) and, every `sweepMs`, looks again at recent ones, which covers a trigger that committed late
 * below the tail's position and an attempt that failed; the first sweep after start looks back `startupLookbackMs`. Every
 * control plane may run it: InstanceRepair decides on fresh streams and commits at expected versions, so racing loops
 * replace an instance once. An instance whose replacement must wait for its lineage's backoff is remembered and looked at
 * again when it is due, however far back its verdict lies.
 */
@Injectable()
export class InstanceRepairLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('instance-repair');
  private readonly retired = new Set<string>();
  /** deferred holds instances waiting for their backoff, with when they are due (ms since the epoch). */
  private readonly deferred = new Map<string, number>();
  private loop: Promise<void> | null = null;
  private stopped = false;
  private readonly alarm = new Alarm();
  private failing = false;

  constructor(
    @Inject(INSTANCE_REPAIR_CONFIG) private readonly config: InstanceRepairConfig,
    private readonly candidates: RepairCandidates,
    private readonly repair: InstanceRepair,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return void this.log.log('instance repair disabled (INSTANCE_REPAIR=off)');
    this.loop = this.run();
  }

  /** beforeApplicationShutdown ends the loop after the instance in flight, before InfraModule closes the pool. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.alarm.ring();
    await this.loop;
  }

  /** check decides for each instance in turn, skipping those known to be retired; it returns how many it replaced. */
  async check(instanceIds: readonly string[]): Promise<number> {
    let replaced = 0;
    for (const id of instanceIds) {
      if (this.stopped) break;
      if (this.retired.has(id) || (this.deferred.get(id) ?? 0) > Date.now()) continue;
      this.deferred.delete(id);
      try {
        const { events, retired, deferred } = await this.repair.repair(id);
        if (retired) this.retire(id);
        if (deferred) {
          this.deferred.set(id, deferred.notBefore);
          const wait = ((deferred.notBefore - Date.now()) / 1000).toFixed(1);
          this.log.log(
            `instance ${id} failing after ${deferred.generation} replacement(s) in a row: next replacement in ${wait} s (backoff)`,
          );
        }
        for (const e of events)
          if (e.type === 'InstanceStopRequested')
            this.log.log(
              `instance ${id} (${e.data.app}) replaced by ${e.data.replacedBy ?? 'nothing yet (pending)'}: ${e.data.reason}`,
            );
        if (events.length) replaced++;
      } catch (err) {
        this.log.warn(`instance ${id}: ${(err as Error).message}; the next sweep retries`);
      }
    }
    return replaced;
  }

  private async run(): Promise<void> {
    let position: string | null = null;
    let nextSweepAt = 0;
    let lookbackMs = this.config.startupLookbackMs;
    while (!this.stopped) {
      try {
        position ??= await this.candidates.head();
        for (let more = true; more && !this.stopped;) {
          const tail = await this.candidates.tail(position);
          more = tail.position !== position;
          position = tail.position;
          await this.check(tail.instanceIds);
        }
        const due = [...this.deferred].filter(([, at]) => at <= Date.now()).map(([id]) => id);
        if (due.length) await this.check(due);
        if (Date.now() >= nextSweepAt) {
          await this.check(await this.candidates.sweep(new Date(Date.now() - lookbackMs)));
          nextSweepAt = Date.now() + this.config.sweepMs;
          lookbackMs = Math.max(60_000, 4 * this.config.sweepMs);
        }
        if (this.failing) this.log.log('reading the log again');
        this.failing = false;
      } catch (err) {
        if (!this.failing) this.log.warn(`pass failed, will retry: ${(err as Error).message}`);
        this.failing = true;
      }
      await this.alarm.sleep(this.config.watchMs);
    }
  }

  private retire(id: string): void {
    if (this.retired.size >= MAX_RETIRED) this.retired.delete(this.retired.values().next().value!);
    this.retired.add(id);
  }
}
