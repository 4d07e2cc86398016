import { at, recorded } from '@mammoth/read-models/testing/recorded';
import { Ev, recordedHistory } from '@mammoth/read-models/testing/lb-events';
import { LoggedEvent } from '../runner/log-projection';

/** logged builds LoggedEvents at consecutive positions from `first`, all in one commit `key` at time `t`. */
export function logged(key: string, t: number, first: number, evs: readonly Ev[]): LoggedEvent[] {
  return evs.map(([type, data], i) => {
    const r = recorded(type, data as never, at(t));
    return {
      recorded: { ...r, position: String(first + i), metadata: { ...r.metadata, correlationId: key } },
      commit: key,
    };
  });
}

/** history numbers commits of events one after another, as a log would hold them (commit key `c<i>`). */
export function history(commits: readonly (readonly Ev[])[]): LoggedEvent[] {
  return recordedHistory(commits).map((recorded) => ({ recorded, commit: recorded.metadata.correlationId }));
}
