/** AppProgressInput is what rolloutProgress reads of an app. */
export interface AppProgressInput {
  readonly desired: number;
  readonly healthy: number;
  readonly pending: { readonly count: number };
  readonly rollout?: {
    readonly from: string;
    readonly to: string;
    readonly phase: string;
    readonly canaryWeight?: number | null;
  } | null;
}

/** RolloutProgress is how far an app is from settled: `ready` of `desired` instances healthy, and its rollout's phase. */
export interface RolloutProgress {
  readonly phase: 'rolling' | 'canary' | 'rollback' | 'steady';
  /** target is the version a rollout in progress moves to, else null. */
  readonly target: string | null;
  readonly ready: number;
  readonly desired: number;
  readonly pending: number;
  /** done: no rollout is in progress and every desired instance is healthy. */
  readonly done: boolean;
  /** waiting names what a person must do before it can be done (a canary waits for promoteApp), else null. */
  readonly waiting: string | null;
}

/**
 * rolloutProgress measures an app's rollout (or, with none, its scaling) from its healthy count and rollout; the
 * registry does not yet tell instances' versions apart, so during a rollout `ready` counts healthy ones of any version.
 */
export function rolloutProgress(app: AppProgressInput): RolloutProgress {
  const phase = phaseOf(app.rollout?.phase);
  const waiting =
    phase === 'canary' ? `canary at ${app.rollout?.canaryWeight ?? 0}% of traffic: waiting for promote` : null;
  return {
    phase,
    target: app.rollout?.to ?? null,
    ready: Math.min(app.healthy, app.desired),
    desired: app.desired,
    pending: app.pending.count,
    done: phase === 'steady' && app.healthy >= app.desired,
    waiting,
  };
}

function phaseOf(phase: string | undefined): RolloutProgress['phase'] {
  if (phase === undefined) return 'steady';
  if (phase === 'canary' || phase === 'rollback') return phase;
  return 'rolling';
}
