import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { listApps, listEndpoints } from '@mammoth/read-models';
import { compareEndpoints } from './endpoints';
import { EndpointModel, ServiceModel } from './service.model';

/**
 * ServiceReader answers "is there a running app named X, and where" from the registry read model: an endpoint is an
 * instance of the app's current incarnation that is wanted, reported running, has a host and port, on a node not lost.
 */
@Injectable()
export class ServiceReader {
  constructor(private readonly pool: Pool) {}

  /** services lists the apps that are not removed (only those named, when names are given), by name. */
  async services(names?: readonly string[]): Promise<ServiceModel[]> {
    const apps = await listApps(this.pool, { names });
    const eps = await listEndpoints(this.pool, apps);
    return apps.map((a) => {
      // Instances carry no package version of their own yet: each runs its app's deployed version.
      const all: EndpointModel[] = eps
        .filter((e) => e.app === a.name)
        .map((e) => ({
          host: e.host!,
          port: e.port!,
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
