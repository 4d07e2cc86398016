import { crashLoop, restartPolicyOf } from '../instance/crash-loop';
import { InstanceState } from '../instance/instance';
import { NodeCandidate } from '../scheduler/types';
import { AppState } from './app';
import { RepairBackoff, repairBackedOff, repairGate } from './repair-backoff';
import { ReplaceInstance, replaceInstance } from './replace';
import { ScheduleOptions, ScheduleResult } from './schedule';

/**
 * repairOf decides whether one of an app's live instances must be killed and replaced, and why: its node found it unhealthy
 * (the app has a health check and its last verdict on the running container is unhealthy), or it is crash-looping (more exits
 * within the app's restart window than the restarts it allows). The replacement prefers another node. An instance that is
 * not live, or healthy enough, needs nothing (null).
 */
export function repairOf(app: AppState, instanceId: string, instance: InstanceState): ReplaceInstance | null {
  if (app.status !== 'active' || !app.live.has(instanceId)) return null;
  const replace = (reason: string): ReplaceInstance => ({
    type: 'ReplaceInstance',
    instanceId,
    reason,
    avoidNode: true,
  });
  if (app.spec.healthCheck && instance.health === 'unhealthy')
    return replace(`unhealthy: ${instance.healthMessage || 'health check failed'}`);
  const loop = crashLoop(instance, restartPolicyOf(app.spec));
  return loop ? replace(loop) : null;
}

/** RepairOptions brings in ids, randomness, the time (ms since the epoch) and the app's repair backoff. */
export interface RepairOptions extends ScheduleOptions {
  readonly now: number;
  readonly backoff: RepairBackoff;
}

/** Repair is what repairing one instance writes, whether it left its app for good, and, if its repair must wait, until when. */
export interface Repair extends ScheduleResult {
  readonly retired: boolean;
  readonly deferred: { readonly attempts: number; readonly nextAttemptAt: number } | null;
}

/**
 * repairInstance replaces an instance repairOf condemns (replaceInstance) and records the app's repair streak with it
 * (AppRepairBackedOff), unless the app's backoff says its next repair is not due yet: then it writes nothing and says when.
 * An instance that is not live is `retired`; deciding again once it was replaced writes nothing.
 */
export function repairInstance(
  app: AppState,
  instanceId: string,
  instance: InstanceState,
  nodes: readonly NodeCandidate[],
  opts: RepairOptions,
): Repair {
  const retired = app.status === 'none' || !app.live.has(instanceId);
  const cmd = repairOf(app, instanceId, instance);
  if (!cmd || app.status !== 'active') return { app: [], nodes: new Map(), retired, deferred: null };
  const gate = repairGate(app.backoff, opts.now, opts.backoff);
  if (!gate.due) {
    const deferred = { attempts: gate.attempts, nextAttemptAt: gate.nextAttemptAt };
    return { app: [], nodes: new Map(), retired: false, deferred };
  }
  const plan = replaceInstance(app, cmd, nodes, opts);
  const streak = repairBackedOff(app.spec.name, cmd.reason, gate.attempts, opts.now, opts.backoff);
  return { app: [...plan.app, streak], nodes: plan.nodes, retired: true, deferred: null };
}
