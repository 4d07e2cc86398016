import { Query, Resolver } from '@nestjs/graphql';
import { Pool } from 'pg';
import { listHeartbeats, listNodes } from '@mammoth/read-models';
import { Requires } from '@mammoth/platform';
import { NodeModel } from '../../node.model';

/** NodesResolver serves the nodes query from the registry read model. */
@Resolver(() => NodeModel)
export class NodesResolver {
  constructor(private readonly pool: Pool) {}

  @Query(() => [NodeModel], { description: 'Every registered node, from the registry read model.' })
  @Requires('nodes:read')
  async nodes(): Promise<NodeModel[]> {
    const [nodes, heartbeats] = await Promise.all([listNodes(this.pool), listHeartbeats(this.pool)]);
    const lastSeen = new Map(heartbeats.map((h) => [h.node_id, h.last_heartbeat_at]));
    return nodes.map((n) => ({
      id: n.node_id,
      hostname: n.hostname,
      address: n.address,
      cpus: n.cpu_millis / 1000,
      memoryMiB: n.memory_mib,
      diskMiB: n.disk_mib,
      portFrom: n.port_from,
      portTo: n.port_to,
      labels: Object.entries(n.labels).map(([key, value]) => ({ key, value })),
      driver: n.driver,
      status: n.status,
      registeredAt: n.registered_at,
      lastHeartbeatAt: lastSeen.get(n.node_id),
      metricsPort: n.metrics_port ?? undefined,
    }));
  }
}
