import { RecordedEvent } from '@mammoth/events';
import { TableModel } from '../row-store/table';

/** AssignmentRow is one row of rm_capacity_assignments: what one instance holds on its node, kept until it is unassigned. */
export interface AssignmentRow {
  instance_id: string;
  node_id: string;
  app: string;
  cpu_millis: number;
  memory_mib: number;
  disk_mib: number;
  port: number;
}

const HANDLES = ['InstanceAssigned', 'InstanceUnassigned'] as const;

/** nodeIdOf reads the node id from a node stream id (`node-<id>`). */
export function nodeIdOf(e: RecordedEvent): string {
  return e.streamId.slice('node-'.length);
}

/**
 * assignmentsTable folds a node stream's assignments into rm_capacity_assignments: InstanceAssigned stores what the instance
 * holds (a second one for the same instance changes nothing), InstanceUnassigned deletes it. The row is what lets the node's
 * capacity give back exactly what an unassigned instance took.
 */
export const assignmentsTable: TableModel<AssignmentRow, (typeof HANDLES)[number]> = {
  table: 'rm_capacity_assignments',
  columns: {
    instance_id: 'uuid',
    node_id: 'text',
    app: 'text',
    cpu_millis: 'int',
    memory_mib: 'int',
    disk_mib: 'int',
    port: 'int',
  },
  key: ['instance_id'],
  handles: HANDLES,
  keyOf: (e) => [e.event.data.instanceId],
  evolve: (row, e) => {
    const ev = e.event;
    switch (ev.type) {
      case 'InstanceAssigned': {
        if (row) return row;
        const { instanceId, app, resources, port } = ev.data;
        return {
          instance_id: instanceId,
          node_id: nodeIdOf(e),
          app,
          cpu_millis: resources.cpuMillis,
          memory_mib: resources.memoryMiB,
          disk_mib: resources.diskMiB,
          port,
        };
      }
      case 'InstanceUnassigned':
        return null;
      default: {
        const _exhaustive: never = ev;
        return _exhaustive;
      }
    }
  },
};
