import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { appStatus } from '@mammoth/domain';
import { AppRow, findApp, InstanceRow, listApps, listInstances } from '@mammoth/read-models';
import { AppModel, InstanceModel, pendingModel, restartPolicyModel, toConstraintModel } from '../../app.model';
import { toHealthCheckModel } from '../../health-check.graphql';

/** RegistryReader serves apps and their instances from the registry read model that the projector maintains. */
@Injectable()
export class RegistryReader {
  constructor(private readonly pool: Pool) {}

  /** apps lists every app that is not removed, by name, each with the instances of its current incarnation. */
  async apps(): Promise<AppModel[]> {
    return this.withInstances(await listApps(this.pool));
  }

  /** app reads one app by name, removed or not, with the instances of its current incarnation; null when unknown. */
  async app(name: string): Promise<AppModel | null> {
    const row = await findApp(this.pool, name);
    return row ? (await this.withInstances([row]))[0] : null;
  }

  private async withInstances(apps: readonly AppRow[]): Promise<AppModel[]> {
    const instances = (await listInstances(this.pool, apps)).map(toInstance);
    return apps.map((row) =>
      toApp(
        row,
        instances.filter((i) => i.app === row.name),
      ),
    );
  }
}

/**
 * toApp renders an app row and its listed instances for the API at `now`: its status is crash-loop-backoff while fewer
 * instances are healthy than desired and its next repair waits (appStatus).
 */
export function toApp(row: AppRow, instances: InstanceModel[], now = Date.now()): AppModel {
  const serving = instances.filter((i) => i.state === 'running' && i.desired === 'run');
  const healthy = serving.filter((i) => i.health === 'healthy').length;
  const backoff = row.repair_backoff;
  const streak = backoff && { nextAttemptAt: Date.parse(backoff.nextAttemptAt) };
  return {
    name: row.name,
    status: appStatus(row.status, streak, now, { healthy, desired: row.instances }),
    package: {
      name: row.package_name,
      version: row.package_version,
      digest: row.package_digest,
      imageRef: row.image_ref,
    },
    desired: row.instances,
    running: serving.length,
    healthy,
    cpus: row.cpu_millis / 1000,
    memoryMiB: row.memory_mib,
    diskMiB: row.disk_mib,
    strategy: row.strategy,
    constraints: row.constraints.map(toConstraintModel),
    healthCheck: toHealthCheckModel(row.health_check),
    ...restartPolicyModel({ maxRestarts: row.max_restarts, restartWindowMs: row.restart_window_ms }),
    pending: pendingModel(row.pending_count, row.pending_reasons),
    rollout: row.rollout && { ...row.rollout },
    backoff: backoff && { ...backoff },
    instances,
  };
}

/** toInstance renders an instance row for the API. */
export function toInstance(i: InstanceRow): InstanceModel {
  return {
    id: i.instance_id,
    app: i.app,
    nodeId: i.node_id,
    host: i.host ?? undefined,
    port: i.port ?? undefined,
    desired: i.desired,
    state: i.state,
    containerId: i.container_id ?? undefined,
    exitCode: i.exit_code ?? undefined,
    message: i.message ?? undefined,
    updatedAt: i.updated_at,
    health: i.health,
    healthMessage: i.health_message ?? undefined,
    restarts: i.restarts,
    lastExitCode: i.last_exit_code ?? undefined,
    nextAttemptAt: i.next_attempt_at ?? undefined,
  };
}
