import { Injectable } from '@nestjs/common';
import { MammothEvent, RecordedEvent } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { skipUnreadable } from '../../common/skip-unreadable';
import { LogTail, TailPage } from '../../common/background-loop';

/** ROLLOUT_TRIGGERS are the events after which an app's rollout may move: its own decisions, and its instances' news. */
export const ROLLOUT_TRIGGERS = [
  'AppUpdateStarted',
  'AppRollbackStarted',
  'AppCanaryPromoted',
  'AppScaled',
  'InstanceStopRequested',
  'InstanceLost',
  'InstanceRunning',
  'InstanceHealthChanged',
  'InstanceExited',
  'InstanceFailed',
] as const;

/** ROLLOUT_STARTS are the triggers that start a rollout: their app is stepped even if not known to be rolling out. */
export const ROLLOUT_STARTS: readonly string[] = ['AppUpdateStarted', 'AppRollbackStarted'];

/** RolloutTrigger is one trigger event in the log: its type and the app it concerns. */
export interface RolloutTrigger {
  readonly type: string;
  readonly app: string;
}

const PAGE = 5000;

/**
 * RolloutCandidates reads the event log (the write side, not a read model) for apps whose rollout may move: a tail of
 * trigger events, and the apps whose last rollout event started one. Both are hints: RolloutStep decides on the app stream.
 */
@Injectable()
export class RolloutCandidates implements LogTail<RolloutTrigger> {
  private readonly onInvalid = skipUnreadable('rollout');

  constructor(private readonly store: PgEventStore) {}

  head(): Promise<string> {
    return this.store.head();
  }

  /** after lists the trigger events after `position`, in log order, a page at a time. */
  async after(position: string): Promise<TailPage<RolloutTrigger>> {
    const { events, position: last, more } = await this.store.tail(position, ROLLOUT_TRIGGERS, PAGE, this.onInvalid);
    return { items: events.map(({ event }) => ({ type: event.type, app: appOf(event) })), position: last, more };
  }

  /** inProgress lists the apps whose last rollout event started one. */
  async inProgress(): Promise<string[]> {
    const open = await this.store.latestPerStream(
      ['AppUpdateStarted', 'AppRollbackStarted', 'AppCanaryPromoted'],
      {
        notFollowedBy: ['AppUpdateCompleted', 'AppRemoved', 'AppDeployed'],
      },
      this.onInvalid,
    );
    return open.map((e) => appOf(e.event));
  }
}

/** appOf is the app a trigger concerns: an instance event's `app`, an app event's `name`. */
function appOf(event: RecordedEvent<MammothEvent>['event']): string {
  return 'app' in event.data ? event.data.app : (event.data as { name: string }).name;
}
