import pLimit from 'p-limit';
import { NodeSnapshot, SnapshotSource } from '../desired-state';

/** ManySnapshotSource answers several nodes' snapshots in one call; the control plane's nodesAssignments query is the real one. */
export interface ManySnapshotSource {
  fetchSnapshotsOf(nodeIds: readonly string[]): Promise<Map<string, NodeSnapshot>>;
}

/** SnapshotBatcherOptions tune how snapshot requests of many nodes are merged. */
export interface SnapshotBatcherOptions {
  /** maxBatch caps the nodes of one call. */
  readonly maxBatch: number;
  /** lingerMs is how long a request waits for others to share its call. */
  readonly lingerMs: number;
  /** concurrency caps the calls in flight. */
  readonly concurrency: number;
  /** onFetched hears how many snapshots each call brought. */
  readonly onFetched?: (count: number) => void;
}

interface Waiter {
  resolve(s: NodeSnapshot): void;
  reject(err: unknown): void;
}

/**
 * SnapshotBatcher gives each hollow node its own SnapshotSource, but merges the requests of all nodes that arrive
 * within a short linger into calls of up to maxBatch nodes, a bounded number at a time (a DataLoader for snapshots).
 * A node asking twice before its call goes out gets the one answer; a failed call fails every node it carried.
 */
export class SnapshotBatcher {
  private waiting = new Map<string, Waiter[]>();
  private timer: NodeJS.Timeout | null = null;
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly source: ManySnapshotSource,
    private readonly opts: SnapshotBatcherOptions,
  ) {
    this.limit = pLimit(opts.concurrency);
  }

  /** sourceFor is one node's SnapshotSource. */
  sourceFor(nodeId: string): SnapshotSource {
    return { fetchSnapshot: () => this.load(nodeId) };
  }

  /** load asks for one node's snapshot. */
  load(nodeId: string): Promise<NodeSnapshot> {
    return new Promise<NodeSnapshot>((resolve, reject) => {
      const list = this.waiting.get(nodeId);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(nodeId, [{ resolve, reject }]);
      if (this.waiting.size >= this.opts.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.lingerMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const all = [...this.waiting];
    this.waiting = new Map();
    for (let i = 0; i < all.length; i += this.opts.maxBatch) {
      const chunk = all.slice(i, i + this.opts.maxBatch);
      void this.limit(() => this.fetch(chunk));
    }
  }

  private async fetch(chunk: [string, Waiter[]][]): Promise<void> {
    try {
      const snapshots = await this.source.fetchSnapshotsOf(chunk.map(([id]) => id));
      this.opts.onFetched?.(snapshots.size);
      for (const [id, waiters] of chunk) {
        const s = snapshots.get(id);
        for (const w of waiters) {
          if (s) w.resolve(s);
          else w.reject(new Error(`no snapshot of node ${id} in the answer`));
        }
      }
    } catch (err) {
      for (const [, waiters] of chunk) waiters.forEach((w) => w.reject(err));
    }
  }
}
