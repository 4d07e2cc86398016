import { AppendUnit } from './append-unit';

/** GroupCommitLimits bound a batch and how many batches may be committing at once. */
export interface GroupCommitLimits {
  /** maxCommands is the most units in one batch (1: every append commits alone). */
  readonly maxCommands: number;
  /** maxBytes is the most event-row bytes in one batch; a larger unit still goes, alone. */
  readonly maxBytes: number;
  /** maxInFlight is how many batches may be committing at once. */
  readonly maxInFlight: number;
}

/** DEFAULT_GROUP_COMMIT_LIMITS keep a batch to one statement of a few MB and let a second batch overlap the first's fsync. */
export const DEFAULT_GROUP_COMMIT_LIMITS: GroupCommitLimits = { maxCommands: 512, maxBytes: 4 << 20, maxInFlight: 2 };

/** UnitOutcome is one unit's result in a batch: the positions its events got, or the error its caller gets. */
export type UnitOutcome = string[] | Error;

/** CommitBatch commits stream-disjoint units together and settles each; it throws only when the batch's fate is unknown. */
export type CommitBatch = (units: readonly AppendUnit[]) => Promise<UnitOutcome[]>;

/** GroupCommitStats count what the group commit did since it was made. */
export interface GroupCommitStats {
  batches: number;
  commands: number;
}

interface Pending {
  readonly unit: AppendUnit;
  readonly resolve: (positions: string[]) => void;
  readonly reject: (err: Error) => void;
}

/**
 * takeBatch takes from the queue, in order, the units that can commit together now: no two touch the same stream, none
 * touches a stream of a batch in flight (`busy`), and the batch stays within the limits. A unit left behind also holds
 * back every later unit that shares a stream with it, so each stream's appends commit in the order they were made.
 */
export function takeBatch<T extends { unit: AppendUnit }>(
  queue: readonly T[],
  busy: ReadonlySet<string>,
  limits: Pick<GroupCommitLimits, 'maxCommands' | 'maxBytes'>,
): { batch: T[]; rest: T[] } {
  const blocked = new Set(busy);
  const batch: T[] = [];
  const rest: T[] = [];
  let bytes = 0;
  for (const p of queue) {
    const streams = p.unit.writes.map((w) => w.streamId);
    const fits =
      batch.length < limits.maxCommands &&
      (batch.length === 0 || bytes + p.unit.bytes <= limits.maxBytes) &&
      !streams.some((s) => blocked.has(s));
    if (fits) {
      batch.push(p);
      bytes += p.unit.bytes;
    } else rest.push(p);
    for (const s of streams) blocked.add(s);
  }
  return { batch, rest };
}

/**
 * GroupCommit queues append units and commits them in batches: units that arrive while a batch is committing join the
 * next one, so many callers share one transaction and one fsync, each settled with its own outcome. A lone caller waits
 * for no timer, only for the current turn of the event loop to end (so callers woken together leave together).
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private scheduled = false;
  /** stats counts the batches committed and the units they carried. */
  readonly stats: GroupCommitStats = { batches: 0, commands: 0 };

  constructor(
    private readonly commit: CommitBatch,
    private readonly limits: GroupCommitLimits = DEFAULT_GROUP_COMMIT_LIMITS,
  ) {}

  /** submit queues a unit and resolves with its positions once its batch committed, or rejects with its own error. */
  submit(unit: AppendUnit): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.limits.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.limits.maxInFlight) {
      const { batch, rest } = takeBatch(this.queue, this.busy, this.limits);
      if (batch.length === 0) return;
      this.queue = rest;
      void this.run(batch);
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    this.inFlight++;
    const streams = batch.flatMap((p) => p.unit.writes.map((w) => w.streamId));
    for (const s of streams) this.busy.add(s);
    try {
      const outcomes = await this.commit(batch.map((p) => p.unit));
      this.stats.batches++;
      this.stats.commands += batch.length;
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (o instanceof Error) p.reject(o);
        else p.resolve(o);
      });
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
    } finally {
      for (const s of streams) this.busy.delete(s);
      this.inFlight--;
      this.schedule();
    }
  }
}
