import { FormEvent, useState } from 'react';
import { EventFilter } from '@mammoth/api-client';
import { ErrorNote } from '../../components/ErrorNote';
import { useEventStream } from './useEventStream';

function filterOf(form: FormData): EventFilter {
  const text = (k: string): string | undefined => (form.get(k) as string | null)?.trim() || undefined;
  const types = text('types')
    ?.split(/[\s,]+/)
    .filter(Boolean);
  return { app: text('app'), node: text('node'), types };
}

/** EventTable shows the live log for one filter, newest first, with the state of its connection. */
function EventTable({ filter }: { filter: EventFilter }) {
  const { events, state, error } = useEventStream(filter);
  return (
    <>
      <p>
        <span className={`badge badge-${state}`} data-testid="stream-state">
          {state}
        </span>{' '}
        <span className="muted">{events.length} events</span>
      </p>
      <ErrorNote error={error} />
      <table className="events">
        <thead>
          <tr>
            <th>#</th>
            <th>Time</th>
            <th>Type</th>
            <th>Stream</th>
            <th>Actor</th>
            <th>Data</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.position} data-type={e.type}>
              <td>{e.position}</td>
              <td>{new Date(e.metadata.timestamp).toLocaleTimeString()}</td>
              <td>{e.type}</td>
              <td>{e.streamId}</td>
              <td>{e.metadata.actor}</td>
              <td className="data">{JSON.stringify(e.data)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** EventsPage is the live event log (the audit trail), filtered by app, node and event types. */
export function EventsPage() {
  const [filter, setFilter] = useState<EventFilter>({});

  function apply(e: FormEvent<HTMLFormElement>): void {
    e.preventDefault();
    setFilter(filterOf(new FormData(e.currentTarget)));
  }

  return (
    <section>
      <h2>Events</h2>
      <form className="inline" onSubmit={apply}>
        <label>
          App <input name="app" />
        </label>
        <label>
          Node <input name="node" />
        </label>
        <label>
          Types <input name="types" placeholder="AppScaled, InstanceRunning" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <EventTable key={JSON.stringify(filter)} filter={filter} />
    </section>
  );
}
