import { Stagger } from './stagger';

describe('Stagger', () => {
  it.each([
    [10, 4],
    [3, 600],
    [5000, 100],
    [1, 1],
  ])('brings each of %i items up exactly once per %i ticks', (n, slots) => {
    const s = new Stagger(n, slots);
    const seen = Array.from({ length: slots }, (_, t) => s.due(t)).flat();
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(s.due(slots + 3)).toEqual(s.due(3));
  });

  it('spreads items evenly: buckets differ by at most one item', () => {
    const s = new Stagger(5000, 300);
    const sizes = Array.from({ length: 300 }, (_, t) => s.due(t).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('with fewer items than slots, leaves the first item alone until the next period (item 0 is due at tick 0 only)', () => {
    const s = new Stagger(3, 600);
    expect(s.due(0)).toEqual([0]);
    expect(s.due(1)).toEqual([]);
    expect(s.due(200)).toEqual([1]);
  });
});
