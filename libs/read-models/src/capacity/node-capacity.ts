import { NodeEvent, RecordedEvent } from '@mammoth/events';
import { laterOf, TableSchema } from '../row-store/table';
import { AssignmentRow } from './assignments';

/** NodeCapacityRow is one row of rm_node_capacity: what a node offers, what its assignments hold, and what is left. */
export interface NodeCapacityRow {
  node_id: string;
  /** status is the node's condition as the node aggregate folds it: ready, lost or removed. */
  status: 'ready' | 'lost' | 'removed';
  cpu_millis: number;
  memory_mib: number;
  disk_mib: number;
  port_from: number;
  port_to: number;
  allocated_cpu_millis: number;
  allocated_memory_mib: number;
  allocated_disk_mib: number;
  free_cpu_millis: number;
  free_memory_mib: number;
  free_disk_mib: number;
  /** ports_total is the size of the node's port range; ports_used counts the held ports inside it (as the scheduler does). */
  ports_total: number;
  ports_used: number;
  /** held_ports is every port an assignment holds, sorted, in or out of the current range (a re-registration may move the range). */
  held_ports: number[];
  instances: number;
  updated_at: string;
}

/** nodeCapacityTable describes rm_node_capacity. */
export const nodeCapacityTable: TableSchema<NodeCapacityRow> = {
  table: 'rm_node_capacity',
  columns: {
    node_id: 'text',
    status: 'text',
    cpu_millis: 'int',
    memory_mib: 'int',
    disk_mib: 'int',
    port_from: 'int',
    port_to: 'int',
    allocated_cpu_millis: 'int',
    allocated_memory_mib: 'int',
    allocated_disk_mib: 'int',
    free_cpu_millis: 'int',
    free_memory_mib: 'int',
    free_disk_mib: 'int',
    ports_total: 'int',
    ports_used: 'int',
    held_ports: 'jsonb',
    instances: 'int',
    updated_at: 'timestamptz',
  },
  key: ['node_id'],
};

const NOTHING_HELD = {
  allocated_cpu_millis: 0,
  allocated_memory_mib: 0,
  allocated_disk_mib: 0,
  held_ports: [] as number[],
  instances: 0,
};

/**
 * evolveNodeCapacity folds one node event into the node's row the way the node aggregate's evolveNode folds its state:
 * NodeRegistered sets the offer and keeps what is held (a removed node starts afresh), InstanceAssigned adds the instance's
 * share, InstanceUnassigned gives back what `held` (the instance's assignment row before the event, null when none) took,
 * NodeLost and NodeRecovered set the status, NodeRemoved releases everything. An assignment already held, an unassignment
 * of an instance not held, and any event for a node that never registered change nothing, so a redelivery is harmless.
 */
export function evolveNodeCapacity(
  row: NodeCapacityRow | null,
  e: RecordedEvent<NodeEvent>,
  held: AssignmentRow | null,
): NodeCapacityRow | null {
  const ev = e.event;
  const at = e.metadata.timestamp;
  if (ev.type === 'NodeRegistered') {
    const { capacity, portRange } = ev.data;
    const fresh = !row || row.status === 'removed';
    return derive({
      ...(fresh ? { ...NOTHING_HELD, status: 'ready' as const } : row),
      node_id: ev.data.nodeId,
      cpu_millis: capacity.cpuMillis,
      memory_mib: capacity.memoryMiB,
      disk_mib: capacity.diskMiB,
      port_from: portRange.from,
      port_to: portRange.to,
      updated_at: laterOf(row?.updated_at, at),
    });
  }
  if (!row) return null;
  const touched = { ...row, updated_at: laterOf(row.updated_at, at) };
  switch (ev.type) {
    case 'InstanceAssigned': {
      if (held) return row;
      const { resources, port } = ev.data;
      return derive({
        ...touched,
        allocated_cpu_millis: row.allocated_cpu_millis + resources.cpuMillis,
        allocated_memory_mib: row.allocated_memory_mib + resources.memoryMiB,
        allocated_disk_mib: row.allocated_disk_mib + resources.diskMiB,
        held_ports: [...row.held_ports, port].sort((a, b) => a - b),
        instances: row.instances + 1,
      });
    }
    case 'InstanceUnassigned': {
      if (!held || held.node_id !== row.node_id) return row;
      const i = row.held_ports.indexOf(held.port);
      return derive({
        ...touched,
        allocated_cpu_millis: row.allocated_cpu_millis - held.cpu_millis,
        allocated_memory_mib: row.allocated_memory_mib - held.memory_mib,
        allocated_disk_mib: row.allocated_disk_mib - held.disk_mib,
        held_ports: i < 0 ? row.held_ports : [...row.held_ports.slice(0, i), ...row.held_ports.slice(i + 1)],
        instances: row.instances - 1,
      });
    }
    case 'NodeLost':
      return { ...touched, status: 'lost' };
    case 'NodeRecovered':
      return { ...touched, status: 'ready' };
    case 'NodeRemoved':
      return derive({ ...touched, ...NOTHING_HELD, status: 'removed' });
    default: {
      const _exhaustive: never = ev;
      return _exhaustive;
    }
  }
}

type Offer = Omit<
  NodeCapacityRow,
  'free_cpu_millis' | 'free_memory_mib' | 'free_disk_mib' | 'ports_total' | 'ports_used'
>;

/** derive computes the free amounts and the port counts from the offer and what is held. */
function derive(r: Offer): NodeCapacityRow {
  return {
    ...r,
    free_cpu_millis: r.cpu_millis - r.allocated_cpu_millis,
    free_memory_mib: r.memory_mib - r.allocated_memory_mib,
    free_disk_mib: r.disk_mib - r.allocated_disk_mib,
    ports_total: r.port_to - r.port_from + 1,
    ports_used: r.held_ports.filter((p) => p >= r.port_from && p <= r.port_to).length,
  };
}
