import { PoolClient } from 'pg';
import { definitionOf, MammothEvent, NodeEvent, RecordedEvent } from '@mammoth/events';
import { Projection } from '../runner/projection';
import { fromDb } from '../registry/table';
import { loadRows, saveRows } from '../registry/table-batch';
import { AssignmentRow, assignmentsTable } from './assignments';
import { CapacityRows, foldCapacity, isAssignment, mayRelease, nodeOf } from './capacity-fold';
import { NodeCapacityRow, nodeCapacityStore } from './node-capacity';

/**
 * capacityProjection maintains, from the node streams, each node's offer, allocation and free room (rm_node_capacity) and
 * the assignments that hold it (rm_capacity_assignments); cluster totals are sums over the node rows. A batch reads every
 * row it touches in a few statements, folds its events in memory with the pure evolve functions and writes each row once.
 */
export const capacityProjection: Projection = {
  name: 'capacity',
  categories: ['node'],
  tables: [nodeCapacityStore.table, assignmentsTable.table],
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
      nodeCapacityStore,
      nodeIds.map((id) => [id]),
    )
  ).values()) {
    rows.nodes.set((row as NodeCapacityRow).node_id, row as NodeCapacityRow);
  }
  for (const row of (
    await loadRows(
      tx,
      assignmentsTable,
      instanceIds.map((id) => [id]),
    )
  ).values()) {
    rows.held.set((row as AssignmentRow).instance_id, row as AssignmentRow);
  }
  const removed = mayRelease(rows, events);
  if (removed.length) {
    const r = await tx.query(`SELECT * FROM "${assignmentsTable.table}" WHERE node_id = ANY($1::text[]) FOR UPDATE`, [
      removed,
    ]);
    for (const raw of r.rows) rows.held.set(raw.instance_id, fromDb(assignmentsTable, raw) as unknown as AssignmentRow);
  }
  foldCapacity(rows, events);
  await saveRows(
    tx,
    nodeCapacityStore,
    [...rows.nodes].map(([id, row]) => ({ key: [id], row })),
  );
  await saveRows(
    tx,
    assignmentsTable,
    [...rows.held].map(([id, row]) => ({ key: [id], row })),
  );
}
