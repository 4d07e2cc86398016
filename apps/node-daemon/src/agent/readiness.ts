/** ReconcileProgress is how the container runtime answers the reconcile loop: when it last answered, and its last error. */
export interface ReconcileProgress {
  /** lastOkAt is when the runtime last answered a listing, in epoch milliseconds (the loop's start before any). */
  readonly lastOkAt: number;
  /** error is the last listing's failure, or null when the last one answered. */
  readonly error: string | null;
}

/** Readiness is what a heartbeat says of the node: ready or not, and the progress it judged by. */
export interface Readiness {
  readonly ready: boolean;
  readonly reconcile: { readonly lastOkAt: string; readonly error: string | null };
}

/**
 * readinessOf judges the node as the kubelet judges its PLEG: ready while the runtime has answered within
 * `stuckAfterMs`; a runtime that fails fast (refusing) or hangs (every call timing out) makes the node not ready alike.
 */
export function readinessOf(progress: ReconcileProgress, now: number, stuckAfterMs: number): Readiness {
  return {
    ready: now - progress.lastOkAt <= stuckAfterMs,
    reconcile: { lastOkAt: new Date(progress.lastOkAt).toISOString(), error: progress.error },
  };
}
