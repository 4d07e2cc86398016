import { NodeCondition } from '@mammoth/domain';
import { LastSeen } from './last-seen';

/** NodeView is what the judge needs of one registered node. */
export interface NodeView {
  readonly nodeId: string;
  readonly condition: NodeCondition;
  /** lostAt is when it was declared lost, in epoch milliseconds (null unless lost). */
  readonly lostAt: number | null;
}

/** Verdict is one decision the failure detector must commit. */
export type Verdict =
  | {
      readonly kind: 'lost';
      readonly nodeId: string;
      readonly lastSeen: number | null;
      readonly since: number;
      /** notReady is the node's own reason when it still heartbeats but says it is not ready. */
      readonly notReady?: string;
    }
  | { readonly kind: 'recovered'; readonly nodeId: string; readonly heartbeatAt: number }
  | { readonly kind: 'remove'; readonly nodeId: string };

/** JudgeTimeouts are the two limits the judge applies. */
export interface JudgeTimeouts {
  readonly lostAfterMs: number;
  readonly gcAfterMs: number;
}

/**
 * judge decides, for every node, whether it is lost (ready, without a ready heartbeat past the limit counted from its last
 * one or the grace start, whichever is later: silent, or saying its container runtime is stuck), recovered (lost, heard
 * ready after it was declared lost) or due for removal (lost for gcAfterMs). While the whole heartbeat channel is quiet
 * nothing is declared lost: that is an outage of the channel, not of every node.
 */
export function judge(nodes: readonly NodeView[], seen: LastSeen, now: number, t: JudgeTimeouts): Verdict[] {
  const quiet = seen.quiet(now);
  const out: Verdict[] = [];
  for (const n of nodes) {
    const last = seen.readyOf(n.nodeId);
    if (n.condition === 'ready') {
      if (!quiet && now - Math.max(last ?? -Infinity, seen.graceFrom) > t.lostAfterMs) {
        const notReady = seen.notReadyOf(n.nodeId);
        const lost = { kind: 'lost' as const, nodeId: n.nodeId, lastSeen: last ?? null, since: seen.graceFrom };
        out.push(notReady === undefined ? lost : { ...lost, notReady });
      }
    } else if (n.condition === 'lost' && n.lostAt !== null) {
      if (last !== undefined && last > n.lostAt) out.push({ kind: 'recovered', nodeId: n.nodeId, heartbeatAt: last });
      else if (now - n.lostAt >= t.gcAfterMs) out.push({ kind: 'remove', nodeId: n.nodeId });
    }
  }
  return out;
}
