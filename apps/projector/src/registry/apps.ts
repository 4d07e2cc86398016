import { HealthCheck } from '@mammoth/events';
import { laterOf, TableModel } from './table';

/** AppRow is one row of rm_apps: an app's desired shape, status and why instances are pending. */
export interface AppRow {
  name: string;
  package_name: string;
  package_version: string;
  package_digest: string;
  instances: number;
  cpu_millis: number;
  memory_mib: number;
  disk_mib: number;
  status: 'deployed' | 'removed';
  pending_count: number;
  pending_reasons: { reason: string; nodes: number }[];
  created_at: string;
  updated_at: string;
  /** health_check is the app's health check as deployed (every default filled in), null when it has none. */
  health_check: HealthCheck | null;
  /** max_restarts and restart_window_ms are the app's restart policy as deployed; null means the default. */
  max_restarts: number | null;
  restart_window_ms: number | null;
}

const HANDLES = ['AppDeployed', 'AppScaled', 'AppRemoved', 'InstancesPending', 'InstancePlaced'] as const;
type Handled = (typeof HANDLES)[number];

const notPending = (): Pick<AppRow, 'pending_count' | 'pending_reasons'> => ({ pending_count: 0, pending_reasons: [] });

/**
 * appsTable folds an app stream into rm_apps. A deploy (re)creates the row; scale, removal and a placement clear the pending
 * state (as the app aggregate's evolveApp does), InstancesPending sets it. Events for an app that has no row change nothing.
 */
export const appsTable: TableModel<AppRow, Handled> = {
  table: 'rm_apps',
  columns: {
    name: 'text',
    package_name: 'text',
    package_version: 'text',
    package_digest: 'text',
    instances: 'int',
    cpu_millis: 'int',
    memory_mib: 'int',
    disk_mib: 'int',
    status: 'text',
    pending_count: 'int',
    pending_reasons: 'jsonb',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    health_check: 'jsonb',
    max_restarts: 'int',
    restart_window_ms: 'int',
  },
  key: ['name'],
  handles: HANDLES,
  keyOf: (e) => [
    e.event.type === 'InstancePlaced' || e.event.type === 'InstancesPending' ? e.event.data.app : e.event.data.name,
  ],
  evolve: (row, e) => {
    const at = e.metadata.timestamp;
    const ev = e.event;
    if (ev.type === 'AppDeployed') {
      const d = ev.data;
      return {
        name: d.name,
        package_name: d.package.name,
        package_version: d.package.version,
        package_digest: d.package.digest,
        instances: d.instances,
        cpu_millis: d.resources.cpuMillis,
        memory_mib: d.resources.memoryMiB,
        disk_mib: d.resources.diskMiB,
        status: 'deployed',
        ...notPending(),
        created_at: at,
        updated_at: laterOf(row?.updated_at, at),
        health_check: d.healthCheck ?? null,
        max_restarts: d.maxRestarts ?? null,
        restart_window_ms: d.restartWindowMs ?? null,
      };
    }
    if (row === null) return null;
    const touched = { ...row, updated_at: laterOf(row.updated_at, at) };
    switch (ev.type) {
      case 'AppScaled':
        return { ...touched, instances: ev.data.to, ...notPending() };
      case 'AppRemoved':
        return { ...touched, status: 'removed', ...notPending() };
      case 'InstancePlaced':
        return { ...touched, ...notPending() };
      case 'InstancesPending':
        return { ...touched, pending_count: ev.data.count, pending_reasons: ev.data.reasons.map((r) => ({ ...r })) };
      default: {
        const _exhaustive: never = ev;
        return _exhaustive;
      }
    }
  },
};
