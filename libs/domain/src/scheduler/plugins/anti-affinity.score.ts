import { appCount } from '../working';
import { ScorePlugin } from '../types';

/**
 * antiAffinityScore is 1 for a node without the app and falls by 1/desired per instance already there (Nomad's job
 * anti-affinity), so a large app tolerates sharing a node more than a small one does.
 */
export function antiAffinityScore(onNode: number, desired: number): number {
  if (desired <= 0) return 1;
  return Math.max(0, 1 - onNode / desired);
}

/** antiAffinity prefers nodes that run fewer instances of the same app, counting the plan's own placements. */
export const antiAffinity = {
  name: 'app-anti-affinity',
  score: (req, n) => antiAffinityScore(appCount(n, req.app), req.desired ?? req.count),
} satisfies ScorePlugin;
