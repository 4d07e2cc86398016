import { makeEvent } from '@mammoth/events';
import { AppendContext, appendUnit } from './append-unit';

const ctx = (correlationId: string): AppendContext => ({ correlationId, actor: 'tester', timestamp: 't0' });
const scaled = (to: number) => makeEvent('AppScaled', { name: 'web', from: 0, to });
const rowsOf = (rows: string) =>
  JSON.parse(`[${rows}]`) as { stream_id: string; i: number; data: { to: number }; metadata: Record<string, string> }[];

describe('appendUnit', () => {
  it('merges chained writes to one stream into one write, sorted by stream, each event with its command metadata', () => {
    const unit = appendUnit([
      {
        writes: [
          { streamId: 'node-b', expectedVersion: 2, events: [scaled(1), scaled(2)] },
          { streamId: 'app-a', expectedVersion: 'any', events: [scaled(3)] },
        ],
        ctx: ctx('c1'),
      },
      { writes: [{ streamId: 'node-b', expectedVersion: 4, events: [scaled(4)], actor: 'node:b' }], ctx: ctx('c2') },
    ])!;
    expect(unit.writes).toEqual([
      { streamId: 'app-a', expected: null, n: 1 },
      { streamId: 'node-b', expected: 2, n: 3 },
    ]);
    const rows = rowsOf(unit.rows);
    expect(rows.map((r) => [r.stream_id, r.i, r.data.to, r.metadata.correlationId, r.metadata.actor])).toEqual([
      ['app-a', 1, 3, 'c1', 'tester'],
      ['node-b', 1, 1, 'c1', 'tester'],
      ['node-b', 2, 2, 'c1', 'tester'],
      ['node-b', 3, 4, 'c2', 'node:b'],
    ]);
    expect(new Set(rows.map((r) => r.metadata.eventId)).size).toBe(4);
    expect(unit.bytes).toBe(unit.rows.length);
  });

  it('is null when no write carries an event', () => {
    expect(appendUnit([{ writes: [{ streamId: 'app-a', expectedVersion: 0, events: [] }], ctx: ctx('c') }])).toBeNull();
    expect(appendUnit([])).toBeNull();
  });

  it('refuses writes to one stream that do not follow each other, naming the stream', () => {
    const write = (expectedVersion: number | 'any') => ({
      writes: [{ streamId: 'app-c', expectedVersion, events: [scaled(1)] }],
      ctx: ctx('x'),
    });
    expect(() => appendUnit([write(0), write(0)])).toThrow(/writes to app-c do not follow each other/);
    expect(() => appendUnit([write('any'), write(1)])).toThrow(/app-c/);
    expect(appendUnit([write(0), write(1)])!.writes).toEqual([{ streamId: 'app-c', expected: 0, n: 2 }]);
  });
});
