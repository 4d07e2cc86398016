import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { compareEndpoints } from './endpoints';
import { EndpointModel, ServiceModel } from './service.model';

/**
 * ServiceReader answers "is there a running app named X, and where" from the registry read model (rm_apps, rm_instances,
 * rm_nodes): an endpoint is an instance that is wanted, reported running, has a host and port, and whose node is not lost.
 */
@Injectable()
export class ServiceReader {
  constructor(private readonly pool: Pool) {}

  /** services lists the apps that are not removed (only those named, when names are given), by name. */
  async services(names?: readonly string[]): Promise<ServiceModel[]> {
    const apps = await this.pool.query<{ name: string; instances: number; package_version: string }>(
      `SELECT name, instances, package_version FROM rm_apps WHERE status <> 'removed' ${names ? 'AND name = ANY($1::text[])' : ''} ORDER BY name`,
      names ? [names] : [],
    );
    if (apps.rows.length === 0) return [];
    const eps = await this.pool.query<{
      app: string;
      instance_id: string;
      node_id: string;
      host: string;
      port: number;
    }>(
      `SELECT i.app, i.instance_id, i.node_id, i.host, i.port FROM rm_instances i
        WHERE i.app = ANY($1::text[]) AND i.desired = 'run' AND i.state = 'running' AND i.host IS NOT NULL AND i.port IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM rm_nodes n WHERE n.node_id = i.node_id AND n.status = 'lost')`,
      [apps.rows.map((a) => a.name)],
    );
    return apps.rows.map((a) => {
      // Instances carry no package version of their own yet: each runs its app's deployed version.
      const all: EndpointModel[] = eps.rows
        .filter((e) => e.app === a.name)
        .map((e) => ({
          host: e.host,
          port: e.port,
          instanceId: e.instance_id,
          nodeId: e.node_id,
          version: a.package_version,
          healthy: true,
        }))
        .sort(compareEndpoints);
      const healthy = all.filter((e) => e.healthy);
      return {
        name: a.name,
        desired: a.instances,
        running: healthy.length > 0,
        versions: all.length ? [...new Set(all.map((e) => e.version))].sort() : [a.package_version],
        all,
      };
    });
  }
}
