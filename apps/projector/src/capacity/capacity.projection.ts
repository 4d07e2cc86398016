import { PoolClient } from 'pg';
import { definitionOf, MammothEvent, NodeEvent, RecordedEvent } from '@mammoth/events';
import {
  assignmentsTable,
  CapacityRows,
  foldCapacity,
  isAssignment,
  loadRows,
  lockAssignmentsOn,
  mayRelease,
  nodeCapacityTable,
  nodeOf,
  saveRows,
} from '@mammoth/read-models';
import { Projection } from '../runner/projection';

/**
 * capacityProjection maintains, from the node streams, each node's offer, allocation and free room (rm_node_capacity) and
 * the assignments that hold it (rm_capacity_assignments); cluster totals are sums over the node rows. A batch reads every
 * row it touches in a few statements, folds its events in memory with the pure evolve functions and writes each row once.
 */
export const capacityProjection: Projection = {
  name: 'capacity',
  categories: ['node'],
  tables: [nodeCapacityTable.table, assignmentsTable.table],
  handles: (type) => definitionOf(type)?.category === 'node',
  apply: (tx, event) => applyCapacity(tx, [event]),
  applyBatch: applyCapacity,
};

async function applyCapacity(tx: PoolClient, recorded: readonly RecordedEvent<MammothEvent>[]): Promise<void> {
  const events = recorded as readonly RecordedEvent<NodeEvent>[];
  const nodeIds = [...new Set(events.map(nodeOf))];
  const instanceIds = [...new Set(events.filter(isAssignment).map((e) => e.event.data.instanceId))];
  const rows: CapacityRows = {
    nodes: new Map(nodeIds.map((id) => [id, null])),
    held: new Map(instanceIds.map((id) => [id, null])),
  };
  for (const row of (
    await loadRows(
      tx,
      nodeCapacityTable,
      nodeIds.map((id) => [id]),
    )
  ).values())
    rows.nodes.set(row.node_id, row);
  for (const row of (
    await loadRows(
      tx,
      assignmentsTable,
      instanceIds.map((id) => [id]),
    )
  ).values())
    rows.held.set(row.instance_id, row);
  const removed = mayRelease(rows, events);
  if (removed.length) for (const row of await lockAssignmentsOn(tx, removed)) rows.held.set(row.instance_id, row);
  foldCapacity(rows, events);
  await saveRows(
    tx,
    nodeCapacityTable,
    [...rows.nodes].map(([id, row]) => ({ key: [id], row })),
  );
  await saveRows(
    tx,
    assignmentsTable,
    [...rows.held].map(([id, row]) => ({ key: [id], row })),
  );
}
