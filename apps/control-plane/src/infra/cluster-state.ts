import { Inject, Injectable } from '@nestjs/common';
import { evolveNode, initialNodeState, NodeCandidate, NodeState, toCandidate } from '@mammoth/domain';
import { NodeEvent } from '@mammoth/events';
import { EventHead, PgEventStore } from '@mammoth/event-store';

interface CachedNode {
  version: number;
  state: NodeState;
  /** candidate is the scheduler's view of the state, built on first use; a new state makes a new entry without one. */
  candidate?: NodeCandidate | null;
}

/** SafePosition is how far the event log is final (a LogWatermark): no transaction will commit an event at or below it. */
export interface SafePosition {
  readonly position: bigint;
}

/** NO_WATERMARK treats nothing as final: every refresh looks at every node event's head again (small logs, tests). */
const NO_WATERMARK: SafePosition = { position: 0n };

const HEADS_PAGE = 5000;

/** PoisonedStream is a node stream holding an event this process cannot read: where, and why. */
export interface PoisonedStream {
  readonly streamId: string;
  readonly position: string;
  readonly streamVersion: number;
  readonly error: string;
}

/** ClusterStateStatus is how far the cache has folded the log, and the node streams it had to leave out. */
export interface ClusterStateStatus {
  readonly position: bigint;
  readonly poisoned: readonly PoisonedStream[];
}

/**
 * ClusterState is the control plane's cache of every node stream, the scheduler's snapshot. It catches up from the log
 * by position. Positions are drawn before commit, so a lower one can become visible after a higher one: the cache reads
 * every node event's head above the log's safe position (cheap, no data), folds the versions it lacks, and only moves
 * its own position up to the safe one, so a late commit (a node registering while others do) is seen on a later
 * refresh instead of being stepped over. A version gap or an append conflict reloads the stream, so a stale entry costs
 * a retry, never a wrong commit. A node event this process cannot read (invalid, or of a newer schema) poisons its
 * stream: it is logged once, the node is left out of the scheduler's and the failure detector's views, its later events
 * are not folded, and every other node goes on; a restart with a reader that knows the event reads it again.
 */
@Injectable()
export class ClusterState {
  private readonly nodes = new Map<string, CachedNode>();
  private readonly poisoned = new Map<string, PoisonedStream>();
  private position = 0n;
  private catchingUp: Promise<void> | null = null;

  constructor(
    @Inject(PgEventStore) private readonly store: PgEventStore,
    private readonly watermark: SafePosition = NO_WATERMARK,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** status says how far the cache has folded the log and which node streams it left out. */
  status(): ClusterStateStatus {
    return { position: this.position, poisoned: [...this.poisoned.values()] };
  }

  /** refresh folds node events committed since the last refresh into the cache. */
  refresh(): Promise<void> {
    if (!this.catchingUp) {
      this.catchingUp = this.catchUp().finally(() => {
        this.catchingUp = null;
      });
    }
    return this.catchingUp;
  }

  /** reload re-reads the given node streams in full (after a conflict). */
  async reload(streamIds: string[]): Promise<void> {
    const loaded = await this.store.readStreams(streamIds, this.onInvalid);
    for (const [streamId, s] of loaded) {
      const state = s.events.reduce((st, e) => evolveNode(st, e.event as NodeEvent), initialNodeState());
      this.nodes.set(streamId, { version: s.version, state });
    }
  }

  /** get returns a node's state and stream version (version 0 for an unknown node). */
  get(streamId: string): { version: number; state: NodeState } {
    return this.nodes.get(streamId) ?? { version: 0, state: initialNodeState() };
  }

  /** candidates is the scheduler's snapshot: every registered node not removed, lost ones with status 'lost'. */
  candidates(): NodeCandidate[] {
    const out: NodeCandidate[] = [];
    for (const [streamId, cached] of this.nodes) {
      const { state } = cached;
      if (state.status !== 'registered' || state.condition === 'removed' || this.poisoned.has(streamId)) continue;
      cached.candidate ??= toCandidate(state);
      out.push(cached.candidate);
    }
    return out;
  }

  /**
   * applyCommitted folds events this process has just appended to a node stream at `expectedVersion`, so the next plan sees
   * them without reading them back; an entry that moved meanwhile is left for refresh (and a conflict) to correct.
   */
  applyCommitted(streamId: string, expectedVersion: number, events: readonly NodeEvent[]): void {
    const cached = this.nodes.get(streamId) ?? { version: 0, state: initialNodeState() };
    if (cached.version !== expectedVersion) return;
    this.nodes.set(streamId, {
      version: expectedVersion + events.length,
      state: events.reduce(evolveNode, cached.state),
    });
  }

  /** registered lists every registered node's state with its stream version (the failure detector's view). */
  registered(): { streamId: string; version: number; state: Extract<NodeState, { status: 'registered' }> }[] {
    const out = [];
    for (const [streamId, { version, state }] of this.nodes)
      if (state.status === 'registered' && !this.poisoned.has(streamId)) out.push({ streamId, version, state });
    return out;
  }

  /** onInvalid poisons the stream of an event this process cannot read, and says so once. */
  private readonly onInvalid = (head: EventHead, err: Error): void => {
    if (this.poisoned.has(head.streamId)) return;
    this.poisoned.set(head.streamId, { ...head, error: err.message });
    this.log(
      `node stream ${head.streamId} has an event this control plane cannot read (version ${head.streamVersion} at ` +
        `position ${head.position}): ${err.message}; the node is left out of scheduling and failure detection until a ` +
        'control plane that can read it starts; the other nodes go on',
    );
  };

  /** catchUp reads where each new node event sits first, and fetches only the events the cache does not hold yet. */
  private async catchUp(): Promise<void> {
    // Read the safe position before the heads: whatever is at or below it is visible to the queries that follow.
    const safe = this.watermark.position;
    for (let cursor = this.position; ;) {
      const heads = await this.store.readHeads(cursor.toString(), HEADS_PAGE, { streamPrefix: 'node-' });
      if (heads.length === 0) return;
      const unknown = heads
        .filter((h) => h.streamVersion > (this.nodes.get(h.streamId)?.version ?? 0) && !this.poisoned.has(h.streamId))
        .map((h) => h.position);
      const gaps = new Set<string>();
      for (const e of await this.store.readAt(unknown, this.onInvalid)) {
        if (this.poisoned.has(e.streamId)) continue;
        const cached = this.nodes.get(e.streamId) ?? { version: 0, state: initialNodeState() };
        if (e.streamVersion === cached.version + 1) {
          this.nodes.set(e.streamId, {
            version: e.streamVersion,
            state: evolveNode(cached.state, e.event as NodeEvent),
          });
        } else if (e.streamVersion > cached.version + 1) {
          gaps.add(e.streamId);
        }
      }
      if (gaps.size) await this.reload([...gaps]);
      cursor = BigInt(heads[heads.length - 1].position);
      // Heads above the safe position are looked at again next time, in case a lower position commits meanwhile.
      const final = cursor <= safe ? cursor : safe;
      if (final > this.position) this.position = final;
      if (heads.length < HEADS_PAGE) return;
    }
  }
}
