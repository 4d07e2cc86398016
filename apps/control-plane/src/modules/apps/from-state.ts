import { AppState } from '@mammoth/domain';
import { AppModel, pendingModel, restartPolicyModel, RolloutModel, toConstraintModel } from './app.model';
import { toHealthCheckModel } from './health-check.graphql';

/** fromState renders a command's resulting app state (the write side's answer; queries read the registry). */
export function fromState(state: AppState): AppModel {
  if (state.status === 'none') throw new Error('app state missing after command');
  const { spec } = state;
  const rejections: { reason: string; nodes: number }[] = state.pending ? JSON.parse(state.pending.reasons) : [];
  return {
    name: spec.name,
    status: state.status === 'removed' ? 'removed' : 'deployed',
    package: {
      name: spec.package.name,
      version: spec.package.version,
      digest: spec.package.digest,
      imageRef: spec.package.imageRef,
    },
    desired: spec.instances,
    running: 0,
    healthy: 0,
    cpus: spec.resources.cpuMillis / 1000,
    memoryMiB: spec.resources.memoryMiB,
    diskMiB: spec.resources.diskMiB,
    strategy: spec.strategy,
    constraints: spec.constraints.map(toConstraintModel),
    healthCheck: toHealthCheckModel(spec.healthCheck),
    ...restartPolicyModel(spec),
    pending: pendingModel(state.pending?.count ?? 0, rejections),
    rollout: rolloutModel(state),
    backoff: state.backoff && {
      reason: state.backoff.reason,
      attempts: state.backoff.attempts,
      at: new Date(state.backoff.at).toISOString(),
      nextAttemptAt: new Date(state.backoff.nextAttemptAt).toISOString(),
    },
    instances: [...state.live.values()].map((i) => ({
      id: i.instanceId,
      app: spec.name,
      nodeId: i.nodeId,
      host: i.host,
      port: i.port,
      desired: 'run',
      state: 'placed',
      health: 'unknown',
      restarts: 0,
    })),
  };
}

/** rolloutModel renders an app's rollout in progress, or null. */
export function rolloutModel(state: AppState): RolloutModel | null {
  if (state.status !== 'active' || !state.rollout) return null;
  const r = state.rollout;
  return {
    from: r.from.version,
    to: r.to.version,
    phase: r.canary ? 'canary' : r.kind === 'rollback' ? 'rollback' : 'rolling',
    canaryWeight: r.canary?.weight ?? null,
  };
}
