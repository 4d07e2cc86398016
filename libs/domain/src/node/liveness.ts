import { makeEvent, NodeEvent } from '@mammoth/events';
import { Decision, exhaustive } from '../shared/errors';
import { NodeState } from './node';

/** MarkNodeLost is the failure detector's verdict that a node has been silent for longer than `lostAfterMs`. */
export interface MarkNodeLost {
  readonly type: 'MarkNodeLost';
  readonly at: string;
  /** lastSeen is the node's last heartbeat as this detector saw it; null when it heard none since `since`. */
  readonly lastSeen: string | null;
  /** since is when this detector started listening (its takeover), the grace start for nodes it never heard from. */
  readonly since: string;
  readonly lostAfterMs: number;
  /** notReady is the node's own reason when it still heartbeats but says it is not ready (its runtime is stuck). */
  readonly notReady?: string | null;
}

/** MarkNodeRecovered is the failure detector hearing a lost node's heartbeat again. */
export interface MarkNodeRecovered {
  readonly type: 'MarkNodeRecovered';
  readonly at: string;
  readonly heartbeatAt: string;
}

/** RemoveLostNode asks to clean up a node that has been lost for at least `gcAfterMs`. */
export interface RemoveLostNode {
  readonly type: 'RemoveLostNode';
  readonly at: string;
  readonly gcAfterMs: number;
}

/** LivenessCommand is every verdict the failure detector may commit about a node. */
export type LivenessCommand = MarkNodeLost | MarkNodeRecovered | RemoveLostNode;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const between = (from: string, to: string) => Date.parse(to) - Date.parse(from);

/**
 * decideLiveness turns the failure detector's verdicts into node events. Each is idempotent: a node is lost only when
 * ready, recovered only when lost, removed only when lost for long enough; anything else writes nothing.
 */
export function decideLiveness(cmd: LivenessCommand, state: NodeState): Decision<NodeEvent> {
  if (state.status !== 'registered') return [];
  const nodeId = state.info.nodeId;
  switch (cmd.type) {
    case 'MarkNodeLost': {
      if (state.condition !== 'ready') return [];
      const limit = `(limit ${seconds(cmd.lostAfterMs)})`;
      const reason = cmd.notReady
        ? `not ready: ${cmd.notReady}; no ready heartbeat for ${seconds(between(cmd.lastSeen ?? cmd.since, cmd.at))} ${limit}`
        : cmd.lastSeen
          ? `no heartbeat for ${seconds(between(cmd.lastSeen, cmd.at))} ${limit}`
          : `no heartbeat in the ${seconds(between(cmd.since, cmd.at))} since the failure detector started watching ${limit}`;
      return [makeEvent('NodeLost', { nodeId, at: cmd.at, lastSeen: cmd.lastSeen, reason })];
    }
    case 'MarkNodeRecovered': {
      if (state.condition !== 'lost') return [];
      const lostFor = state.lostAt ? ` after ${seconds(between(state.lostAt, cmd.heartbeatAt))} lost` : '';
      return [makeEvent('NodeRecovered', { nodeId, at: cmd.at, reason: `heartbeat received again${lostFor}` })];
    }
    case 'RemoveLostNode': {
      if (state.condition !== 'lost' || !state.lostAt) return [];
      const lostFor = between(state.lostAt, cmd.at);
      if (lostFor < cmd.gcAfterMs) return [];
      const released = [...state.assignments.values()].map((a) => ({ instanceId: a.instanceId, app: a.app }));
      const reason = `lost for ${seconds(lostFor)} (clean-up after ${seconds(cmd.gcAfterMs)}); ${released.length} assignment(s) released`;
      return [makeEvent('NodeRemoved', { nodeId, reason, released })];
    }
    default:
      return exhaustive(cmd);
  }
}
