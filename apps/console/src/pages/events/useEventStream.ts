import { useEffect, useState } from 'react';
import { EventFilter, EventItem, followEvents, liveClient } from '@mammoth/api-client';
import { useApi } from '../../api/client';

/** StreamState is what the event log shows about its connection. */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'failed';

/** KEEP is how many of the newest events the page holds. */
const KEEP = 500;

/**
 * useEventStream follows the event log matching `filter` over the `events` subscription, newest first; after a dropped
 * connection it resumes after the last position received, so no event is missed or shown twice. A new filter needs a
 * new component (give it a key), which starts from an empty list.
 */
export function useEventStream(filter: EventFilter): { events: EventItem[]; state: StreamState; error: Error | null } {
  const api = useApi();
  const [events, setEvents] = useState<EventItem[]>([]);
  const [state, setState] = useState<StreamState>('connecting');
  const [error, setError] = useState<Error | null>(null);
  const key = JSON.stringify(filter);

  useEffect(() => {
    const stop = new AbortController();
    const client = liveClient(api, {
      base: window.location.href,
      on: { connected: () => setState('live'), closed: () => !stop.signal.aborted && setState('reconnecting') },
    });
    followEvents(client, JSON.parse(key) as EventFilter, {
      after: '0',
      signal: stop.signal,
      onItem: (e) => setEvents((list) => [e, ...list].slice(0, KEEP)),
      onStatus: (s) => setState(s),
    }).catch((err: Error) => {
      setState('failed');
      setError(err);
    });
    return () => {
      stop.abort();
      void client.dispose();
    };
  }, [api, key]);

  return { events, state, error };
}
