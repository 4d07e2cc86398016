import { z } from 'zod';
import { int, onOff } from '@mammoth/platform';

/** DetectorConfig tunes the failure detector; every duration is in milliseconds. */
export interface DetectorConfig {
  /** enabled is false with FAILURE_DETECTOR=off (the process then neither watches heartbeats nor competes for the lease). */
  readonly enabled: boolean;
  /** lostAfterMs is how long a node may stay silent before it is declared lost. */
  readonly lostAfterMs: number;
  /** gcAfterMs is how long a node may stay lost before it is removed and its assignments released. */
  readonly gcAfterMs: number;
  /** resumeGraceMs is added to every node's grace period after the whole heartbeat channel was quiet (a Kafka outage). */
  readonly resumeGraceMs: number;
  /** sweepMs is how often the active detector judges every node. */
  readonly sweepMs: number;
  /** leaseRetryMs is how often a standby tries to take the lease, and the active one checks it still holds it. */
  readonly leaseRetryMs: number;
}

/** DETECTOR_CONFIG is the injection token of the DetectorConfig. */
export const DETECTOR_CONFIG = Symbol('DetectorConfig');

/**
 * detectorConfig is the schema of the failure detector's settings: FAILURE_DETECTOR (on), NODE_LOST_AFTER_MS (5000),
 * NODE_GC_AFTER_MS (10 min), HEARTBEAT_RESUME_GRACE_MS (10000), FAILURE_DETECTOR_SWEEP_MS (a fifth of the loss limit,
 * 50 to 1000) and FAILURE_DETECTOR_LEASE_RETRY_MS (1000).
 */
export const detectorConfig = z
  .object({
    FAILURE_DETECTOR: onOff('on'),
    NODE_LOST_AFTER_MS: int(100).default(5000),
    NODE_GC_AFTER_MS: int(1000).default(10 * 60 * 1000),
    HEARTBEAT_RESUME_GRACE_MS: int(0).default(10000),
    FAILURE_DETECTOR_SWEEP_MS: int(50).optional(),
    FAILURE_DETECTOR_LEASE_RETRY_MS: int(50).default(1000),
  })
  .transform((e): DetectorConfig => ({
    enabled: e.FAILURE_DETECTOR,
    lostAfterMs: e.NODE_LOST_AFTER_MS,
    gcAfterMs: e.NODE_GC_AFTER_MS,
    resumeGraceMs: e.HEARTBEAT_RESUME_GRACE_MS,
    sweepMs: e.FAILURE_DETECTOR_SWEEP_MS ?? Math.min(1000, Math.max(50, Math.floor(e.NODE_LOST_AFTER_MS / 5))),
    leaseRetryMs: e.FAILURE_DETECTOR_LEASE_RETRY_MS,
  }));
