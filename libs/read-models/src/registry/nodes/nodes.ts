import { laterOf, TableModel } from '../../row-store/table';

/** NodeRow is one row of rm_nodes: a registered machine and what it offers. */
export interface NodeRow {
  node_id: string;
  hostname: string;
  address: string;
  cpu_millis: number;
  memory_mib: number;
  disk_mib: number;
  port_from: number;
  port_to: number;
  labels: Record<string, string>;
  driver: string;
  /** metrics_port is where the node's daemon serves /metrics on `address`, or null (a daemon that does not say). */
  metrics_port: number | null;
  status: 'ready' | 'lost';
  registered_at: string;
  updated_at: string;
}

const HANDLES = ['NodeRegistered', 'NodeLost', 'NodeRecovered', 'NodeRemoved'] as const;

/**
 * nodesTable folds a node stream into rm_nodes: the latest facts (first registration time kept) and the failure detector's
 * verdict as `status` (ready or lost; re-registering does not change it). A removed node's row is deleted until it registers again.
 */
export const nodesTable: TableModel<NodeRow, (typeof HANDLES)[number]> = {
  table: 'rm_nodes',
  columns: {
    node_id: 'text',
    hostname: 'text',
    address: 'text',
    cpu_millis: 'int',
    memory_mib: 'int',
    disk_mib: 'int',
    port_from: 'int',
    port_to: 'int',
    labels: 'jsonb',
    driver: 'text',
    metrics_port: 'int',
    status: 'text',
    registered_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
  key: ['node_id'],
  handles: HANDLES,
  keyOf: (e) => [e.event.data.nodeId],
  evolve: (row, e) => {
    const at = e.metadata.timestamp;
    const ev = e.event;
    switch (ev.type) {
      case 'NodeRegistered': {
        const d = ev.data;
        return {
          node_id: d.nodeId,
          hostname: d.hostname,
          address: d.address,
          cpu_millis: d.capacity.cpuMillis,
          memory_mib: d.capacity.memoryMiB,
          disk_mib: d.capacity.diskMiB,
          port_from: d.portRange.from,
          port_to: d.portRange.to,
          labels: { ...d.labels },
          driver: d.driver,
          metrics_port: d.metricsPort ?? null,
          status: row?.status ?? 'ready',
          registered_at: row?.registered_at ?? at,
          updated_at: laterOf(row?.updated_at, at),
        };
      }
      case 'NodeLost':
        return row && { ...row, status: 'lost', updated_at: laterOf(row.updated_at, at) };
      case 'NodeRecovered':
        return row && { ...row, status: 'ready', updated_at: laterOf(row.updated_at, at) };
      case 'NodeRemoved':
        return null;
      default: {
        const _exhaustive: never = ev;
        return _exhaustive;
      }
    }
  },
};
