import { BusMessage, parseHeartbeat } from '@mammoth/events';
import { LatestHeartbeat } from '@mammoth/read-models';

/** latestHeartbeats reduces a batch to the newest heartbeat per node (when, and its usage); malformed ones are counted and left out. */
export function latestHeartbeats(messages: readonly BusMessage[]): {
  latest: Map<string, LatestHeartbeat>;
  invalid: number;
} {
  const latest = new Map<string, LatestHeartbeat>();
  let invalid = 0;
  for (const m of messages) {
    const hb = parseHeartbeat(m.value);
    if (!hb) {
      invalid++;
      continue;
    }
    const at = new Date(hb.at);
    const seen = latest.get(hb.nodeId);
    if (!seen || at > seen.at) latest.set(hb.nodeId, { at, usage: hb.usage ?? null });
  }
  return { latest, invalid };
}
