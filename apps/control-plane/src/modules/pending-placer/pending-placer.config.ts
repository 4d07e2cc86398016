import { z } from 'zod';
import { int } from '@mammoth/platform';

/** PendingPlacerConfig tunes the loop that places pending instances when capacity appears (see PendingPlacer). */
export interface PendingPlacerConfig {
  readonly watchMs: number;
  readonly sweepMs: number;
  readonly jitterMs: number;
}

/** pendingPlacerConfig is the schema of PENDING_WATCH_MS (500), PENDING_SWEEP_MS (5000; 0 turns the placer off) and PENDING_JITTER_MS (250). */
export const pendingPlacerConfig = z
  .object({
    PENDING_WATCH_MS: int(1).default(500),
    PENDING_SWEEP_MS: int(0).default(5000),
    PENDING_JITTER_MS: int(0).default(250),
  })
  .transform((e): PendingPlacerConfig => ({
    watchMs: e.PENDING_WATCH_MS,
    sweepMs: e.PENDING_SWEEP_MS,
    jitterMs: e.PENDING_JITTER_MS,
  }));
