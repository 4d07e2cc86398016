import { z } from 'zod';
import { BusMessage } from '@mammoth/events';

/** HeartbeatSchema is a node daemon's heartbeat message: which node, when (ISO time or epoch milliseconds), and a sequence number. */
export const HeartbeatSchema = z.object({
  nodeId: z.string().min(1),
  at: z.union([z.string().datetime({ offset: true }), z.number().int().nonnegative()]),
  seq: z.number().int().nonnegative().optional(),
});

/** latestHeartbeats reduces a batch to the newest heartbeat per node; malformed messages are counted and left out. */
export function latestHeartbeats(messages: readonly BusMessage[]): { latest: Map<string, Date>; invalid: number } {
  const latest = new Map<string, Date>();
  let invalid = 0;
  for (const m of messages) {
    let parsed;
    try {
      parsed = HeartbeatSchema.safeParse(JSON.parse(m.value));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      invalid++;
      continue;
    }
    const at = new Date(parsed.data.at);
    const seen = latest.get(parsed.data.nodeId);
    if (!seen || at > seen) latest.set(parsed.data.nodeId, at);
  }
  return { latest, invalid };
}
