/**
 * LastSeen keeps, per node, when this process last received a heartbeat from it and a ready one, by its own clock (so
 * node clocks do not matter), and why a node that says it is not ready is not (its container runtime does not answer). It also watches the heartbeat channel as a whole: when no node at all is heard for `quietMs`, the channel (Kafka,
 * this consumer) is suspect rather than every node. When heartbeats flow again, every node gets a fresh grace period that
 * starts `resumeGraceMs` after the resumption, so daemons still reconnecting their producers are not declared lost.
 */
export class LastSeen {
  private readonly byNode = new Map<string, number>();
  private readonly readyByNode = new Map<string, number>();
  private readonly notReady = new Map<string, string>();
  private lastAny: number | null = null;
  private graceStart = 0;

  constructor(
    private readonly quietMs: number,
    private readonly resumeGraceMs: number,
  ) {}

  /**
   * record notes a heartbeat from a node received at `now`; `notReady` is the node's own reason when it says it is not
   * ready. Any heartbeat shows the channel works; only a ready one keeps the node from being judged lost.
   */
  record(nodeId: string, now: number, notReady: string | null = null): void {
    if (this.lastAny === null) this.graceStart = Math.max(this.graceStart, now);
    else if (this.quiet(now)) this.graceStart = Math.max(this.graceStart, now + this.resumeGraceMs);
    this.lastAny = Math.max(this.lastAny ?? now, now);
    this.byNode.set(nodeId, Math.max(this.byNode.get(nodeId) ?? now, now));
    if (notReady !== null) return void this.notReady.set(nodeId, notReady);
    this.notReady.delete(nodeId);
    this.readyByNode.set(nodeId, Math.max(this.readyByNode.get(nodeId) ?? now, now));
  }

  /** readyOf returns when the node last said it is ready, or undefined if never to this process. */
  readyOf(nodeId: string): number | undefined {
    return this.readyByNode.get(nodeId);
  }

  /** notReadyOf is the node's reason when its latest heartbeat said it is not ready, else undefined. */
  notReadyOf(nodeId: string): string | undefined {
    return this.notReady.get(nodeId);
  }

  /** of returns when the node was last heard, or undefined if never by this process. */
  of(nodeId: string): number | undefined {
    return this.byNode.get(nodeId);
  }

  /** graceFrom is when the current grace period began: no node is judged silent for time before it. */
  get graceFrom(): number {
    return this.graceStart;
  }

  /** startGrace gives every node a fresh grace period from `now` (on taking the lease). */
  startGrace(now: number): void {
    this.graceStart = Math.max(this.graceStart, now);
  }

  /** quiet says no heartbeat from any node arrived for longer than `quietMs` (or none ever). */
  quiet(now: number): boolean {
    return this.lastAny === null || now - this.lastAny > this.quietMs;
  }

  /** heard lists every node heard from, with when it was last heard. */
  heard(): IterableIterator<[string, number]> {
    return this.byNode.entries();
  }

  /** size is the number of nodes heard from. */
  get size(): number {
    return this.byNode.size;
  }
}
