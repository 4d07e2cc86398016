import type { Client } from 'graphql-ws';
import { EventsQuery, EventsSubscription } from './documents';
import { follow, FollowOptions, subscribe } from './follow';
import type { ResultOf, VariablesOf } from './graphql';

/** EventItem is one event of the log as the CLI and console show it. */
export type EventItem = ResultOf<typeof EventsQuery>['events'][number];

/** EventFilter narrows the log by app, node, stream or event types. */
export type EventFilter = NonNullable<VariablesOf<typeof EventsQuery>['filter']>;

/**
 * followEvents streams the event log after `options.after` through `client`, each event once and in order, resuming
 * after the last position seen whenever the connection drops; it ends when the signal aborts.
 */
export function followEvents(
  client: Client,
  filter: EventFilter | null,
  options: FollowOptions<EventItem>,
): Promise<void> {
  return follow(async function* (after) {
    for await (const data of subscribe(client, EventsSubscription, { after, filter })) yield data.events;
  }, options);
}
