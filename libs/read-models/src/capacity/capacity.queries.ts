import { PoolClient } from 'pg';
import { Queryable, selectRows } from '../row-store/rows';
import { AssignmentRow, assignmentsTable } from './assignments';
import { NodeCapacityRow, nodeCapacityTable } from './node-capacity';

/** listNodeCapacities reads every node that is not removed (only the ready ones with `readyOnly`), by node id. */
export function listNodeCapacities(
  db: Queryable,
  opts: { readonly readyOnly?: boolean } = {},
): Promise<NodeCapacityRow[]> {
  return selectRows<NodeCapacityRow>(
    db,
    nodeCapacityTable,
    `WHERE ${opts.readyOnly ? `t.status = 'ready'` : `t.status <> 'removed'`} ORDER BY t.node_id`,
  );
}

/** lockAssignmentsOn reads every assignment held on the given nodes, locked until the transaction ends. */
export function lockAssignmentsOn(tx: PoolClient, nodeIds: readonly string[]): Promise<AssignmentRow[]> {
  return selectRows<AssignmentRow>(tx, assignmentsTable, 'WHERE t.node_id = ANY($1::text[]) FOR UPDATE', [nodeIds]);
}
