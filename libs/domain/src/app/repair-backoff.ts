import { AppEvent } from '@mammoth/events';

/**
 * RepairBackoff slows down replacing the same failing workload again and again (Nomad's reschedule delay, Kubernetes'
 * CrashLoopBackOff): the first replacement of an instance is immediate, a replacement of that replacement waits `baseMs`
 * after it was placed, the next twice that, up to `maxMs`. A lineage that ran for `resetAfterMs` without being replaced
 * starts over.
 */
export interface RepairBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly resetAfterMs: number;
}

/** TimedAppEvent is an app-stream event with when it was recorded and whether instance repair wrote it. */
export interface TimedAppEvent {
  readonly event: AppEvent;
  readonly at: number;
  readonly byRepair: boolean;
}

/** RepairGate says how many repairs in a row led to an instance and when it may be replaced (ms since the epoch). */
export interface RepairGate {
  readonly generation: number;
  readonly notBefore: number;
}

/** MAX_LINEAGE bounds the walk back through replacements (a lineage this long is at the maximum delay anyway). */
const MAX_LINEAGE = 64;

/**
 * repairGate reads an app's history for the repairs that led to `instanceId` (each InstanceStopRequested written by repair
 * names its replacement) and applies the backoff: generation 0 (not itself a repair's replacement, or its lineage was
 * quiet for `resetAfterMs`) may be replaced now; generation g waits min(maxMs, baseMs × 2^(g−1)) after it was placed.
 */
export function repairGate(
  history: readonly TimedAppEvent[],
  instanceId: string,
  now: number,
  backoff: RepairBackoff,
): RepairGate {
  const createdBy = new Map<string, { readonly parent: string; readonly at: number }>();
  for (const { event, at, byRepair } of history) {
    if (byRepair && event.type === 'InstanceStopRequested' && event.data.replacedBy)
      createdBy.set(event.data.replacedBy, { parent: event.data.instanceId, at });
  }
  const own = createdBy.get(instanceId);
  if (!own || now - own.at >= backoff.resetAfterMs) return { generation: 0, notBefore: 0 };
  let generation = 1;
  for (
    let link = own, parent = createdBy.get(own.parent);
    parent && generation < MAX_LINEAGE;
    link = parent, parent = createdBy.get(parent.parent)
  ) {
    if (link.at - parent.at >= backoff.resetAfterMs) break;
    generation++;
  }
  const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (generation - 1));
  return { generation, notBefore: own.at + delay };
}
