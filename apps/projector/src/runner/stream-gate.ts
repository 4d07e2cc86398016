import { fromWire, MammothEvent, RecordedEvent } from '@mammoth/events';

/** Decoded is one message read as far as it goes: its stream and version when readable, and the event or why not. */
export interface Decoded {
  readonly streamId: string;
  readonly streamVersion: number | null;
  readonly position: string | null;
  /** source says where the message came from: `topic/partition@offset`, or `log@position`. */
  readonly source: string;
  readonly payload: string;
  readonly event?: RecordedEvent<MammothEvent>;
  readonly error?: string;
}

/**
 * decodeMessage reads a message as the relay writes it (serde's wire format). A message that fails validation keeps
 * whatever identifies it: its stream comes from its body, else from its key, else from its source (then it blocks nothing).
 */
export function decodeMessage(payload: string, key: string | null, source: string): Decoded {
  let raw: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(payload);
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    // not JSON: fromWire below says so
  }
  const streamId = typeof raw?.streamId === 'string' ? raw.streamId : (key ?? source);
  const streamVersion = typeof raw?.streamVersion === 'number' ? raw.streamVersion : null;
  const position = typeof raw?.position === 'string' ? raw.position : null;
  const base = { streamId, streamVersion, position, source, payload };
  try {
    return { ...base, event: fromWire(payload) as RecordedEvent<MammothEvent> };
  } catch (err) {
    return { ...base, error: (err as Error).message };
  }
}

/** GateVerdict is what to do with one message: apply it, drop it as seen, park it, or keep it waiting behind a parked one. */
export type GateVerdict =
  | { readonly kind: 'apply'; readonly event: RecordedEvent<MammothEvent> }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'park'; readonly error: string }
  | { readonly kind: 'wait' };

/**
 * StreamGate decides, message by message in a stream's order, what a projection does with it: a version already applied
 * is a duplicate; behind a parked message everything of that stream waits; an unreadable message (invalid, or of a newer
 * schema than this reader knows) or one that skips versions (Kafka lost history) is parked and blocks its stream; the rest
 * is applied. Other streams flow.
 */
export class StreamGate {
  constructor(
    private readonly versions: Map<string, number>,
    private readonly blocked: Set<string>,
    private readonly rebuildHint: string,
  ) {}

  judge(d: Decoded): GateVerdict {
    const applied = this.versions.get(d.streamId) ?? 0;
    if (d.streamVersion !== null && d.streamVersion <= applied) return { kind: 'duplicate' };
    if (this.blocked.has(d.streamId)) return { kind: 'wait' };
    if (!d.event) return this.park(d.streamId, d.error ?? 'unreadable');
    if (d.event.streamVersion > applied + 1) {
      const missing = `${applied + 1}..${d.event.streamVersion - 1}`;
      return this.park(d.streamId, `versions ${missing} of ${d.streamId} never arrived: ${this.rebuildHint}`);
    }
    this.versions.set(d.streamId, d.event.streamVersion);
    return { kind: 'apply', event: d.event };
  }

  private park(streamId: string, error: string): GateVerdict {
    this.blocked.add(streamId);
    return { kind: 'park', error };
  }
}

/** Letter is a message to keep in projection_dead_letters: parked (with why) or waiting behind one that is. */
export interface Letter {
  readonly decoded: Decoded;
  readonly status: 'parked' | 'waiting';
  readonly error: string;
}

/** Sorted is a run of messages after a StreamGate judged them in order. */
export interface Sorted {
  readonly events: RecordedEvent<MammothEvent>[];
  readonly letters: Letter[];
  readonly duplicates: number;
}

/** sortOut judges a run of messages in order: the events to apply, the letters to keep, and how many were duplicates. */
export function sortOut(gate: StreamGate, decoded: readonly Decoded[]): Sorted {
  const events: RecordedEvent<MammothEvent>[] = [];
  const letters: Letter[] = [];
  let duplicates = 0;
  for (const d of decoded) {
    const verdict = gate.judge(d);
    if (verdict.kind === 'apply') events.push(verdict.event);
    else if (verdict.kind === 'duplicate') duplicates++;
    else if (verdict.kind === 'wait')
      letters.push({ decoded: d, status: 'waiting', error: 'waits behind a parked event' });
    else letters.push({ decoded: d, status: 'parked', error: verdict.error });
  }
  return { events, letters, duplicates };
}
