import { Query, Resolver } from '@nestjs/graphql';
import { Pool } from 'pg';
import { NodeModel } from '../../node.model';

/** NodesResolver serves the nodes query from the registry read model. */
@Resolver(() => NodeModel)
export class NodesResolver {
  constructor(private readonly pool: Pool) {}

  @Query(() => [NodeModel], { description: 'Every registered node, from the registry read model.' })
  async nodes(): Promise<NodeModel[]> {
    const r = await this.pool.query(
      `SELECT n.*, h.last_heartbeat_at FROM rm_nodes n LEFT JOIN rm_node_heartbeats h USING (node_id) ORDER BY n.node_id`,
    );
    return r.rows.map((n) => ({
      id: n.node_id,
      hostname: n.hostname,
      address: n.address,
      cpus: n.cpu_millis / 1000,
      memoryMiB: n.memory_mib,
      diskMiB: n.disk_mib,
      portFrom: n.port_from,
      portTo: n.port_to,
      labels: Object.entries(n.labels as Record<string, string>).map(([key, value]) => ({ key, value })),
      driver: n.driver,
      status: n.status,
      registeredAt: new Date(n.registered_at).toISOString(),
      lastHeartbeatAt: n.last_heartbeat_at ? new Date(n.last_heartbeat_at).toISOString() : undefined,
    }));
  }
}
