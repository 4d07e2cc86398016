import { DEFAULT_STRATEGY } from '@mammoth/domain';
import { AppEvent, CATALOG, Constraint, HealthCheck, PackageRef, Strategy } from '@mammoth/events';
import { laterOf, TableModel } from '../../row-store/table';

/** AppRolloutRow is an app's rollout in progress as rm_apps keeps it: the versions it moves between and its phase. */
export interface AppRolloutRow {
  from: string;
  to: string;
  /** phase is canary (waiting for a promotion), rolling (an update) or rollback. */
  phase: 'canary' | 'rolling' | 'rollback';
  /** canaryWeight is the % of traffic the new version gets during a canary, else null. */
  canaryWeight: number | null;
}

/** AppRepairBackoffRow is an app's last instance repair as rm_apps keeps it: the streak, why, and when the next may come. */
export interface AppRepairBackoffRow {
  attempts: number;
  reason: string;
  at: string;
  nextAttemptAt: string;
}

/** AppRow is one row of rm_apps: an app's spec as its stream stands (what deployApp and updateApp answer), status and pending state. */
export interface AppRow {
  name: string;
  package_name: string;
  package_version: string;
  package_digest: string;
  image_ref: string;
  instances: number;
  cpu_millis: number;
  memory_mib: number;
  disk_mib: number;
  strategy: Strategy;
  constraints: Constraint[];
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
  /** incarnation is the app stream version of the AppDeployed that (re)created the app: its instances are placed after it. */
  incarnation: number;
  rollout: AppRolloutRow | null;
  /** repair_backoff is the app's last AppRepairBackedOff (ISO times), null before any repair of this incarnation. */
  repair_backoff: AppRepairBackoffRow | null;
}

/** APP_EVENT_TYPES is every app-stream event type: the apps table sees each, so none that changes an app can be missed. */
const APP_EVENT_TYPES = Object.values(CATALOG)
  .filter((d) => d.category === 'app')
  .map((d) => d.type as AppEvent['type']);

const notPending = (): Pick<AppRow, 'pending_count' | 'pending_reasons'> => ({ pending_count: 0, pending_reasons: [] });

const packageColumns = (
  p: PackageRef,
): Pick<AppRow, 'package_name' | 'package_version' | 'package_digest' | 'image_ref'> => ({
  package_name: p.name,
  package_version: p.version,
  package_digest: p.digest,
  image_ref: p.imageRef,
});

/**
 * appsTable folds an app stream into rm_apps the way the app aggregate's evolveApp folds its spec: a deploy (re)creates the
 * row, an update or rollback moves its package to the target at once (as the write side answers) and opens its rollout,
 * a promotion ends the canary, completion ends the rollout; scale, removal and a placement clear the pending state,
 * InstancesPending sets it, AppRepairBackedOff records the repair backoff. Events of an app that has no row change nothing.
 */
export const appsTable: TableModel<AppRow, AppEvent['type']> = {
  table: 'rm_apps',
  columns: {
    name: 'text',
    package_name: 'text',
    package_version: 'text',
    package_digest: 'text',
    image_ref: 'text',
    instances: 'int',
    cpu_millis: 'int',
    memory_mib: 'int',
    disk_mib: 'int',
    strategy: 'text',
    constraints: 'jsonb',
    status: 'text',
    pending_count: 'int',
    pending_reasons: 'jsonb',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    health_check: 'jsonb',
    max_restarts: 'int',
    restart_window_ms: 'int',
    incarnation: 'int',
    rollout: 'jsonb',
    repair_backoff: 'jsonb',
  },
  key: ['name'],
  handles: APP_EVENT_TYPES,
  keyOf: (e) => ['name' in e.event.data ? e.event.data.name : e.event.data.app],
  evolve: (row, e) => {
    const at = e.metadata.timestamp;
    const ev = e.event;
    if (ev.type === 'AppDeployed') {
      const d = ev.data;
      return {
        name: d.name,
        ...packageColumns(d.package),
        instances: d.instances,
        cpu_millis: d.resources.cpuMillis,
        memory_mib: d.resources.memoryMiB,
        disk_mib: d.resources.diskMiB,
        strategy: d.strategy ?? DEFAULT_STRATEGY,
        constraints: [...(d.constraints ?? [])],
        status: 'deployed',
        ...notPending(),
        created_at: at,
        updated_at: laterOf(row?.updated_at, at),
        health_check: d.healthCheck ?? null,
        max_restarts: d.maxRestarts ?? null,
        restart_window_ms: d.restartWindowMs ?? null,
        incarnation: e.streamVersion,
        rollout: null,
        repair_backoff: null,
      };
    }
    if (row === null) return null;
    const touched = { ...row, updated_at: laterOf(row.updated_at, at) };
    switch (ev.type) {
      case 'AppScaled':
        return { ...touched, instances: ev.data.to, ...notPending() };
      case 'AppRemoved':
        return { ...touched, status: 'removed', ...notPending(), rollout: null };
      case 'AppUpdateStarted': {
        const { from, to, canary } = ev.data;
        const phase = canary ? 'canary' : 'rolling';
        const rollout = { from: from.version, to: to.version, phase, canaryWeight: canary?.weight ?? null } as const;
        return { ...touched, ...packageColumns(to), rollout };
      }
      case 'AppRollbackStarted': {
        const { from, to } = ev.data;
        const rollout = { from: from.version, to: to.version, phase: 'rollback', canaryWeight: null } as const;
        return { ...touched, ...packageColumns(to), rollout };
      }
      case 'AppCanaryPromoted':
        return row.rollout
          ? { ...touched, rollout: { ...row.rollout, phase: 'rolling', canaryWeight: null } }
          : touched;
      case 'AppUpdateCompleted':
        return { ...touched, rollout: null };
      case 'InstancePlaced':
        return { ...touched, ...notPending() };
      case 'InstancesPending':
        return { ...touched, pending_count: ev.data.count, pending_reasons: ev.data.reasons.map((r) => ({ ...r })) };
      case 'AppRepairBackedOff': {
        const { attempts, reason, at: repairedAt, nextAttemptAt } = ev.data;
        return { ...touched, repair_backoff: { attempts, reason, at: repairedAt, nextAttemptAt } };
      }
      case 'InstanceStopRequested':
      case 'InstanceLost':
      case 'InstanceDraining':
        return row;
      default: {
        const _exhaustive: never = ev;
        return _exhaustive;
      }
    }
  },
};
