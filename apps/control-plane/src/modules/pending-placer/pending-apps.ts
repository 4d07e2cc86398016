import { Injectable } from '@nestjs/common';
import { EventType } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { skipUnreadable } from '../../common/skip-unreadable';

/** CAPACITY_TRIGGERS are the events after which pending instances may fit: a node joins or comes back, an instance frees its share. */
export const CAPACITY_TRIGGERS: readonly EventType[] = ['NodeRegistered', 'NodeRecovered', 'InstanceUnassigned'];

/** PENDING_CLEARED_BY are the app events after which an app's last InstancesPending no longer stands (as in evolveApp). */
const PENDING_CLEARED_BY: readonly EventType[] = ['AppDeployed', 'AppScaled', 'AppRemoved', 'InstancePlaced'];

/**
 * PendingApps reads the event log (the write side, not a read model) for the pending placer: which apps are pending, and
 * a mark that moves whenever capacity may have appeared. Both are hints; the plan queue decides on fresh state.
 */
@Injectable()
export class PendingApps {
  private readonly onInvalid = skipUnreadable('pending-placer');

  constructor(private readonly store: PgEventStore) {}

  /** names lists the apps whose last InstancesPending is not followed by an event that clears it, i.e. that are pending now. */
  async names(): Promise<string[]> {
    const pending = await this.store.latestPerStream(
      ['InstancesPending'],
      { notFollowedBy: PENDING_CLEARED_BY },
      this.onInvalid,
    );
    return pending
      .map((e) => (e.event.type === 'InstancesPending' ? e.event.data.app : ''))
      .filter((app) => app !== '')
      .sort();
  }

  /**
   * capacityMark is the highest log position of a CAPACITY_TRIGGERS event; a change means capacity may have appeared. A trigger
   * that commits late with a lower position does not move it; the placer's periodic sweep covers that.
   */
  capacityMark(): Promise<string> {
    return this.store.lastPosition(CAPACITY_TRIGGERS);
  }
}
