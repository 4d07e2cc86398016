import { z } from 'zod';

/**
 * NodeUsageSchema is a node's observed use as its heartbeat carries it: CPU as a percentage of one core (150: one and a
 * half cores busy) and memory in MiB, summed over its instances.
 */
export const NodeUsageSchema = z.object({
  cpuPercent: z.number().nonnegative(),
  memoryMiB: z.number().int().nonnegative(),
});
export type NodeUsage = z.infer<typeof NodeUsageSchema>;

/**
 * HeartbeatMessageSchema is a node daemon's heartbeat on the heartbeats topic: which node, when it was sent, a sequence
 * number, and whether the node is ready. A node whose container runtime stopped answering says `ready: false`, with its
 * reconcile progress: when the runtime last answered and the last error (a heartbeat without `ready` means ready). A node
 * that measures its instances adds its observed `usage`.
 */
export const HeartbeatMessageSchema = z.object({
  nodeId: z.string().min(1),
  at: z.union([z.string().datetime({ offset: true }), z.number().int().nonnegative()]),
  seq: z.number().int().nonnegative().optional(),
  ready: z.boolean().optional(),
  reconcile: z
    .object({ lastOkAt: z.string().datetime({ offset: true }).nullable(), error: z.string().nullable() })
    .optional(),
  usage: NodeUsageSchema.optional(),
});
export type HeartbeatMessage = z.infer<typeof HeartbeatMessageSchema>;

/** parseHeartbeat reads one heartbeat message, or returns null for anything malformed (heartbeats are not worth an error). */
export function parseHeartbeat(value: string): HeartbeatMessage | null {
  try {
    const parsed = HeartbeatMessageSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
