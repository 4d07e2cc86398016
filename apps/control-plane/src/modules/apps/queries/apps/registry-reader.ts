import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { formatReasons } from '@mammoth/domain';
import { Constraint, HealthCheck } from '@mammoth/events';
import { AppModel, InstanceModel, restartPolicyModel, toConstraintModel } from '../../app.model';
import { toHealthCheckModel } from '../../health-check.graphql';

interface AppRow {
  name: string;
  package_name: string;
  package_version: string;
  package_digest: string;
  instances: number;
  cpu_millis: number;
  memory_mib: number;
  disk_mib: number;
  status: string;
  pending_count: number;
  pending_reasons: { reason: string; nodes: number }[];
  /** constraints (jsonb) and strategy (text) are read when rm_apps carries them; until then the App fields are null. */
  constraints?: Constraint[] | null;
  strategy?: string | null;
  health_check: HealthCheck | null;
  max_restarts: number | null;
  restart_window_ms: number | null;
}

/** RegistryReader serves apps and instances from the registry read model that the projector maintains. */
@Injectable()
export class RegistryReader {
  constructor(private readonly pool: Pool) {}

  async apps(includeRemoved = false): Promise<AppModel[]> {
    const r = await this.pool.query<AppRow & { image_ref: string | null }>(
      `SELECT a.*, p.image_ref FROM rm_apps a LEFT JOIN rm_packages p ON p.name = a.package_name AND p.version = a.package_version
        ${includeRemoved ? '' : `WHERE a.status <> 'removed'`} ORDER BY a.name`,
    );
    const instances = await this.instances(r.rows.map((a) => a.name));
    return r.rows.map((row) =>
      toApp(
        row,
        row.image_ref ?? '',
        instances.filter((i) => i.app === row.name),
      ),
    );
  }

  async app(name: string): Promise<AppModel | null> {
    const all = await this.apps(true);
    return all.find((a) => a.name === name) ?? null;
  }

  async instances(apps: string[]): Promise<InstanceModel[]> {
    if (apps.length === 0) return [];
    const r = await this.pool.query(
      // Instances stopped for good, and lost ones whose node was since removed (released with it), are history, not shown.
      `SELECT * FROM rm_instances i WHERE app = ANY($1::text[]) AND NOT (desired = 'stop' AND state = 'stopped')
          AND NOT (state = 'lost' AND NOT EXISTS (SELECT 1 FROM rm_nodes n WHERE n.node_id = i.node_id))
        ORDER BY app, placed_at, instance_id`,
      [apps],
    );
    return r.rows.map((i) => ({
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
      updatedAt: i.updated_at ? new Date(i.updated_at).toISOString() : undefined,
      health: i.health,
      healthMessage: i.health_message ?? undefined,
      restarts: i.restarts,
      lastExitCode: i.last_exit_code ?? undefined,
      nextAttemptAt: i.next_attempt_at ? new Date(i.next_attempt_at).toISOString() : undefined,
    }));
  }
}

function toApp(row: AppRow, imageRef: string, instances: InstanceModel[]): AppModel {
  const rejections = row.pending_reasons ?? [];
  return {
    name: row.name,
    status: row.status,
    package: { name: row.package_name, version: row.package_version, digest: row.package_digest, imageRef },
    desired: row.instances,
    running: instances.filter((i) => i.state === 'running' && i.desired === 'run').length,
    healthy: instances.filter((i) => i.state === 'running' && i.desired === 'run' && i.health === 'healthy').length,
    cpus: row.cpu_millis / 1000,
    memoryMiB: row.memory_mib,
    diskMiB: row.disk_mib,
    strategy: row.strategy ?? undefined,
    constraints: row.constraints?.map(toConstraintModel),
    healthCheck: toHealthCheckModel(row.health_check),
    ...restartPolicyModel({ maxRestarts: row.max_restarts, restartWindowMs: row.restart_window_ms }),
    pending: {
      count: row.pending_count,
      reasons: rejections.length ? formatReasons(rejections).split('; ') : [],
      rejections,
    },
    instances,
  };
}
