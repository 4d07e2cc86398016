import { counter, gauge } from '@mammoth/platform';

/** placements counts instances the scheduler placed on a node (InstancePlaced committed through the plan queue). */
export const placements = counter({
  name: 'mammoth_scheduler_placements_total',
  help: 'Instances placed on a node by this control plane.',
});

/** unplaced counts instances a scheduling attempt could not place (InstancesPending), by app. */
export const unplaced = counter({
  name: 'mammoth_scheduler_unplaced_total',
  help: 'Instances a scheduling attempt left pending.',
});

/** commitConflicts counts plan commits refused for a stream changed meanwhile, by the stream's kind (node, app, ...). */
export const commitConflicts = counter({
  name: 'mammoth_plan_commit_conflicts_total',
  help: 'Plan commits refused because a stream changed since it was read, by stream kind.',
  labelNames: ['stream'] as const,
});

/** commitRetries counts the attempts made again after a conflict (every command path that retries). */
export const commitRetries = counter({
  name: 'mammoth_plan_commit_retries_total',
  help: 'Load-decide-append attempts made again after a version conflict.',
});

/** pendingApps is how many apps had instances pending at the pending placer's last pass. */
export const pendingApps = gauge({
  name: 'mammoth_scheduler_pending_apps',
  help: "Apps with instances pending at the pending placer's last pass.",
});
