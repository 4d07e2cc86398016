import { NodeEvent, RecordedEvent } from '@mammoth/events';
import { AssignmentRow, assignmentsTable, nodeIdOf } from './assignments';
import { evolveNodeCapacity, NodeCapacityRow } from './node-capacity';

/** CapacityRows are the capacity rows a batch touches, by node id and by instance id; null is a row that does not exist (or is to be deleted). */
export interface CapacityRows {
  readonly nodes: Map<string, NodeCapacityRow | null>;
  readonly held: Map<string, AssignmentRow | null>;
}

type AssignmentEvent = RecordedEvent<Extract<NodeEvent, { type: 'InstanceAssigned' | 'InstanceUnassigned' }>>;

/** nodeOf is the node a node-stream event is about. */
export function nodeOf(e: RecordedEvent<NodeEvent>): string {
  return e.event.type === 'NodeRegistered' ? e.event.data.nodeId : nodeIdOf(e);
}

/** isAssignment says whether an event moves an instance's share onto or off its node. */
export function isAssignment(e: RecordedEvent<NodeEvent>): e is AssignmentEvent {
  return e.event.type === 'InstanceAssigned' || e.event.type === 'InstanceUnassigned';
}

/**
 * foldCapacity applies node events in order to the rows they touch, in place: each node's row through evolveNodeCapacity with
 * the instance's assignment row as it stood, then the assignment row itself. An assignment on a node without a row holds
 * nothing (as in the node aggregate); NodeRemoved, and a registration after removal, drop every assignment of the node
 * that `rows.held` carries, so the caller must load those first (see mayRelease).
 */
export function foldCapacity(rows: CapacityRows, events: readonly RecordedEvent<NodeEvent>[]): CapacityRows {
  for (const e of events) {
    const nodeId = nodeOf(e);
    const node = rows.nodes.get(nodeId) ?? null;
    if (isAssignment(e)) {
      if (!node) continue;
      const before = rows.held.get(e.event.data.instanceId) ?? null;
      rows.nodes.set(nodeId, evolveNodeCapacity(node, e, before));
      rows.held.set(e.event.data.instanceId, assignmentsTable.evolve(before, e));
      continue;
    }
    // A removed node holds nothing, and one registering again after removal starts afresh (as evolveNode does).
    if (e.event.type === 'NodeRemoved' || (e.event.type === 'NodeRegistered' && node?.status === 'removed')) {
      for (const [id, a] of rows.held) if (a?.node_id === nodeId) rows.held.set(id, null);
    }
    rows.nodes.set(nodeId, evolveNodeCapacity(node, e, null));
  }
  return rows;
}

/** mayRelease lists the nodes whose every assignment the events may drop: removed, or registering again while removed. */
export function mayRelease(rows: CapacityRows, events: readonly RecordedEvent<NodeEvent>[]): string[] {
  const out = new Set<string>();
  for (const e of events) {
    if (
      e.event.type === 'NodeRemoved' ||
      (e.event.type === 'NodeRegistered' && rows.nodes.get(nodeOf(e))?.status === 'removed')
    )
      out.add(nodeOf(e));
  }
  return [...out];
}
