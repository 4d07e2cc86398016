/** HealthInput is what an app's health verdict is read from. */
export interface HealthInput {
  desired: number;
  healthy: number;
  pending: { count: number };
  rollout?: { phase: string } | null;
}

/** healthOf sums an app up in one word: healthy, rolling, pending, degraded or down. */
export function healthOf(app: HealthInput): 'healthy' | 'rolling' | 'pending' | 'degraded' | 'down' {
  if (app.rollout) return 'rolling';
  if (app.pending.count > 0) return 'pending';
  if (app.healthy >= app.desired) return 'healthy';
  return app.healthy > 0 ? 'degraded' : 'down';
}

/** HealthBadge shows an app's (or instance's) health as a coloured word. */
export function HealthBadge({ health }: { health: string }) {
  return <span className={`badge badge-${health}`}>{health}</span>;
}
