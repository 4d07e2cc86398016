/**
 * Stagger spreads n items evenly over a period of `slots` ticks: item i is due on ticks where tick % slots equals
 * floor(i * slots / n), so every item comes up exactly once per period and the load of each tick is even.
 */
export class Stagger {
  private readonly buckets: number[][];

  constructor(
    n: number,
    readonly slots: number,
  ) {
    this.buckets = Array.from({ length: Math.max(1, slots) }, () => []);
    for (let i = 0; i < n; i++) this.buckets[Math.floor((i * this.buckets.length) / n)].push(i);
  }

  /** due lists the items whose turn the tick is. */
  due(tick: number): readonly number[] {
    return this.buckets[tick % this.buckets.length];
  }
}
