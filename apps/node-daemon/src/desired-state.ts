import { isDeepStrictEqual } from 'node:util';
import { Assignment, evolveNode, NodeInfo, NodeState, registeredNode } from '@mammoth/domain';
import { NodeEvent } from '@mammoth/events';

/** NodeSnapshot is the node's assignments as of one version of its stream. */
export interface NodeSnapshot {
  readonly version: number;
  /** registered is false when the control plane does not count the node (removed after being lost too long, or unknown). */
  readonly registered?: boolean;
  readonly assignments: readonly Assignment[];
}

/** SnapshotSource answers the node's current assignments; the control plane's nodeAssignments query is the real one. */
export interface SnapshotSource {
  fetchSnapshot(): Promise<NodeSnapshot>;
}

/** StreamEvent is one event of the node's stream with its version, as it arrives from Kafka. */
export interface StreamEvent {
  readonly streamVersion: number;
  readonly event: NodeEvent;
}

/** MAX_PENDING bounds the events held across a gap; whatever is dropped the next snapshot brings back. */
const MAX_PENDING = 10000;

/** stateOf seeds the node fold from a snapshot: this daemon's own registration plus the snapshot's assignments. */
function stateOf(info: NodeInfo, assignments: readonly Assignment[]): NodeState {
  return registeredNode(info, assignments);
}

/**
 * DesiredState is the fold of this node's stream: a snapshot, then live events applied in exact version order.
 * Events at or below the version are duplicates and ignored; an event past a gap is held and a fresh snapshot fetched.
 * Until the first snapshot arrives it buffers events and `assignments()` is null, so nobody reconciles against nothing.
 * When the stream says the node is no longer registered (the control plane removed it after it was lost for too long,
 * for example across a long partition), the desired set is empty and `onUnregistered` asks the daemon to register again.
 */
export class DesiredState {
  private state: NodeState | null = null;
  private version = -1;
  private readonly pending = new Map<number, NodeEvent>();
  /** released holds, by instance id, the app of every instance that left the desired set and was not yet taken. */
  private released = new Map<string, string>();
  private inFlight: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly info: NodeInfo,
    private readonly source: SnapshotSource,
    private readonly onChange: (assignments: ReadonlyMap<string, Assignment>) => void = () => undefined,
    private readonly onUnregistered: () => void = () => undefined,
  ) {}

  /** registered says whether, as far as the stream goes, the control plane counts this node (true before the first snapshot). */
  registered(): boolean {
    return this.state === null || (this.state.status === 'registered' && this.state.condition !== 'removed');
  }

  /** assignments is the desired set by instance id, or null before the first snapshot. */
  assignments(): ReadonlyMap<string, Assignment> | null {
    return this.state?.status === 'registered' ? this.state.assignments : null;
  }

  /**
   * takeReleased returns the instances that left the desired set since the last call (unassigned, or released with the node),
   * by id with their app, even those assigned and unassigned before any pass saw them; it forgets them.
   */
  takeReleased(): ReadonlyMap<string, string> {
    const taken = this.released;
    this.released = new Map();
    return taken;
  }

  /** currentVersion is the stream version the desired set reflects, -1 before the first snapshot. */
  currentVersion(): number {
    return this.version;
  }

  /** receive takes one live event of this node's stream, in any order, any number of times. */
  receive(e: StreamEvent): void {
    if (e.streamVersion <= this.version) return;
    if (this.pending.size >= MAX_PENDING) this.pending.delete(Math.min(...this.pending.keys()));
    this.pending.set(e.streamVersion, e.event);
    if (this.state === null) return;
    this.drain();
    if (this.pending.size > 0) void this.resync().catch(() => undefined);
  }

  /** resync fetches a snapshot and adopts it unless it is older than what is known; concurrent calls share one fetch, and a call during a fetch fetches again after it. */
  resync(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      try {
        do {
          this.again = false;
          this.adopt(await this.source.fetchSnapshot());
        } while (this.again);
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  private adopt(snapshot: NodeSnapshot): void {
    if (snapshot.version < this.version) return;
    const before = this.assignments();
    const wasRegistered = this.registered();
    const fresh = stateOf(this.info, snapshot.assignments);
    this.state =
      snapshot.registered === false && fresh.status === 'registered' ? { ...fresh, condition: 'removed' } : fresh;
    this.version = snapshot.version;
    const releasedBefore = this.released.size;
    this.noteReleased(before, this.assignments());
    this.drain(before, wasRegistered, releasedBefore);
  }

  /** drain applies held events that follow the version without a gap and drops those already covered. */
  private drain(
    before = this.assignments(),
    wasRegistered = this.registered(),
    releasedBefore = this.released.size,
  ): void {
    for (const v of this.pending.keys()) if (v <= this.version) this.pending.delete(v);
    for (let next = this.pending.get(this.version + 1); next; next = this.pending.get(this.version + 1)) {
      this.pending.delete(this.version + 1);
      const held = this.assignments();
      this.state = evolveNode(this.state!, next);
      this.version += 1;
      if (next.type !== 'InstanceAssigned') this.noteReleased(held, this.assignments());
    }
    const after = this.assignments();
    if (after && (!isDeepStrictEqual(before, after) || this.released.size > releasedBefore)) this.onChange(after);
    if (wasRegistered && !this.registered()) this.onUnregistered();
  }

  /** noteReleased remembers every assignment held before that is not held after. */
  private noteReleased(
    before: ReadonlyMap<string, Assignment> | null,
    after: ReadonlyMap<string, Assignment> | null,
  ): void {
    if (!before || before === after) return;
    for (const [id, a] of before) if (!after?.has(id)) this.released.set(id, a.app);
  }
}
