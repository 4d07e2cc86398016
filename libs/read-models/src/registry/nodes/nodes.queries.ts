import { Queryable, selectRows } from '../../row-store/rows';
import { NodeRow, nodesTable } from './nodes';

/** listNodes reads every registered node, by id. */
export function listNodes(db: Queryable): Promise<NodeRow[]> {
  return selectRows<NodeRow>(db, nodesTable, 'ORDER BY t.node_id', [], 'rm-nodes-list');
}
