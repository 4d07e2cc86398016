import { crashLoop, restartPolicyOf } from '../instance/crash-loop';
import { InstanceState } from '../instance/instance';
import { AppState } from './app';
import { ReplaceInstance } from './replace';

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
