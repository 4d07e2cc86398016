import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { HeartbeatRow, listHeartbeats, listNodeCapacities, NodeCapacityRow } from '@mammoth/read-models';
import { CapacityModel, NodeCapacityModel, ObservedUseModel } from '../../capacity.model';
import { FreeRoom } from '../what-if/what-if';

/**
 * CapacityReader serves per-node capacity, cluster totals and the free room of ready nodes from the capacity read model,
 * with each node's observed use from its latest heartbeat next to what is allocated.
 */
@Injectable()
export class CapacityReader {
  constructor(private readonly pool: Pool) {}

  /** capacity lists every node that is not removed, and sums the ready ones. */
  async capacity(): Promise<CapacityModel> {
    const [rows, observed] = await Promise.all([listNodeCapacities(this.pool), this.observed()]);
    const nodes = rows.map((n) => toNode(n, observed.get(n.node_id) ?? null));
    const ready = nodes.filter((n) => n.status === 'ready');
    const reporting = ready.flatMap((n) => (n.observed ? [n.observed] : []));
    const sum = (pick: (n: NodeCapacityModel) => { cpus: number; memoryMiB: number; diskMiB: number }) => ({
      cpus: ready.reduce((s, n) => s + Math.round(pick(n).cpus * 1000), 0) / 1000,
      memoryMiB: ready.reduce((s, n) => s + pick(n).memoryMiB, 0),
      diskMiB: ready.reduce((s, n) => s + pick(n).diskMiB, 0),
    });
    return {
      nodes,
      totals: {
        nodes: ready.length,
        capacity: sum((n) => n),
        allocated: sum((n) => n.allocated),
        free: sum((n) => n.free),
        ports: {
          total: ready.reduce((s, n) => s + n.ports.total, 0),
          used: ready.reduce((s, n) => s + n.ports.used, 0),
        },
        observed: {
          nodes: reporting.length,
          cpus: reporting.reduce((s, o) => s + Math.round(o.cpus * 1000), 0) / 1000,
          memoryMiB: reporting.reduce((s, o) => s + o.memoryMiB, 0),
        },
      },
    };
  }

  /** readyRoom is the free room of every ready node. */
  async readyRoom(): Promise<FreeRoom[]> {
    return (await listNodeCapacities(this.pool, { readyOnly: true })).map((n) => ({
      nodeId: n.node_id,
      free: { cpuMillis: n.free_cpu_millis, memoryMiB: n.free_memory_mib, diskMiB: n.free_disk_mib },
      freePorts: n.ports_total - n.ports_used,
    }));
  }

  /** observed is each node's observed use from its latest heartbeat that carried one. */
  async observed(): Promise<Map<string, ObservedUseModel>> {
    return new Map((await listHeartbeats(this.pool)).flatMap((h) => observedOf(h)));
  }
}

function observedOf(h: HeartbeatRow): [string, ObservedUseModel][] {
  if (h.used_cpu_percent === null || h.used_memory_mib === null) return [];
  const cpus = Math.round(h.used_cpu_percent * 10) / 1000;
  return [[h.node_id, { cpus, memoryMiB: h.used_memory_mib, at: h.last_heartbeat_at }]];
}

function toNode(n: NodeCapacityRow, observed: ObservedUseModel | null): NodeCapacityModel {
  return {
    nodeId: n.node_id,
    status: n.status,
    cpus: n.cpu_millis / 1000,
    memoryMiB: n.memory_mib,
    diskMiB: n.disk_mib,
    allocated: {
      cpus: n.allocated_cpu_millis / 1000,
      memoryMiB: n.allocated_memory_mib,
      diskMiB: n.allocated_disk_mib,
    },
    free: { cpus: n.free_cpu_millis / 1000, memoryMiB: n.free_memory_mib, diskMiB: n.free_disk_mib },
    ports: { total: n.ports_total, used: n.ports_used },
    instances: n.instances,
    observed,
  };
}
