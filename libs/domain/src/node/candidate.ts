import { NodeCandidate } from '../scheduler/types';
import { NodeState } from './node';

/** toCandidate turns a registered node's state into the scheduler's view of it; its status follows the node's condition unless given. */
export function toCandidate(
  state: Extract<NodeState, { status: 'registered' }>,
  status: NodeCandidate['status'] = state.condition === 'ready' ? 'ready' : 'lost',
): NodeCandidate {
  const appCounts = new Map<string, number>();
  for (const a of state.assignments.values()) appCounts.set(a.app, (appCounts.get(a.app) ?? 0) + 1);
  return {
    id: state.info.nodeId,
    address: state.info.address,
    status,
    capacity: state.info.capacity,
    allocated: state.allocated,
    usedPorts: state.usedPorts,
    portRange: state.info.portRange,
    labels: state.info.labels,
    appCounts,
  };
}
