import { Injectable } from '@nestjs/common';
import { MammothEvent, RecordedEvent } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { skipUnreadable } from '../../common/skip-unreadable';
import { LogTail, TailPage } from '../../common/background-loop';

/** REPAIR_TRIGGERS are the instance events after which an instance may need replacing: a health verdict, an exit. */
export const REPAIR_TRIGGERS = ['InstanceHealthChanged', 'InstanceExited'] as const;

const PAGE = 1000;

/** isTrigger says whether an event may call for a repair: an exit, or an unhealthy verdict. */
function isTrigger(e: RecordedEvent<MammothEvent>): boolean {
  return e.event.type === 'InstanceExited' || (e.event.type === 'InstanceHealthChanged' && !e.event.data.healthy);
}

const instanceOf = (e: RecordedEvent<MammothEvent>): string => (e.event.data as { instanceId: string }).instanceId;

/**
 * RepairCandidates reads the event log (the write side, not a read model) for instances that may need replacing. Both
 * reads are hints: InstanceRepair decides on each instance's and app's fresh streams. The tail follows positions, so a
 * trigger that commits late below the tail's position is missed there and found by the next sweep.
 */
@Injectable()
export class RepairCandidates implements LogTail<string> {
  private readonly onInvalid = skipUnreadable('instance-repair');

  constructor(private readonly store: PgEventStore) {}

  head(): Promise<string> {
    return this.store.head();
  }

  /** after lists the instances of unhealthy verdicts and of exits after `position`, a page of events at a time. */
  async after(position: string): Promise<TailPage<string>> {
    const { events, position: last, more } = await this.store.tail(position, REPAIR_TRIGGERS, PAGE, this.onInvalid);
    return { items: [...new Set(events.filter(isTrigger).map(instanceOf))], position: last, more };
  }

  /** sweep lists the instances whose latest verdict since `since` is unhealthy, and those that exited since `since`. */
  async sweep(since: Date): Promise<string[]> {
    const [verdicts, exits] = await Promise.all([
      this.store.latestPerStream(['InstanceHealthChanged'], { since }, this.onInvalid),
      this.store.latestPerStream(['InstanceExited'], { since }, this.onInvalid),
    ]);
    return [...new Set([...verdicts, ...exits].filter(isTrigger).map(instanceOf))];
  }
}
