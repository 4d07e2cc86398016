import { randomUUID } from 'node:crypto';
import { wireValue } from '@mammoth/events';
import { decodeMessage, sortOut, StreamGate } from './stream-gate';

const metadata = () => ({
  eventId: randomUUID(),
  correlationId: 'c',
  causationId: null,
  actor: 'test',
  timestamp: '2026-01-01T00:00:00.000Z',
});
const scaled = (app: string, version: number, to: number, schema = 1) =>
  decodeMessage(
    wireValue({
      streamId: `app-${app}`,
      streamVersion: version,
      position: String(version),
      type: 'AppScaled',
      version: schema,
      data: { name: app, from: 1, to },
      metadata: metadata(),
    }),
    `app-${app}`,
    `t/0@${version}`,
  );
const gate = (versions: Record<string, number> = {}, blocked: string[] = []) =>
  new StreamGate(new Map(Object.entries(versions)), new Set(blocked), 'rebuild it');
const kinds = (g: StreamGate, ds: ReturnType<typeof scaled>[]) => ds.map((d) => g.judge(d).kind);

describe('StreamGate: what a projection does with each message, stream by stream', () => {
  it('applies new versions in order and drops versions already applied', () => {
    expect(
      kinds(gate({ 'app-a': 1 }), [scaled('a', 1, 2), scaled('a', 2, 3), scaled('a', 2, 3), scaled('a', 3, 4)]),
    ).toEqual(['duplicate', 'apply', 'duplicate', 'apply']);
  });

  it('parks an invalid event and keeps the rest of its stream waiting, while other streams flow', () => {
    const invalid = { ...scaled('a', 2, -1) };
    expect(invalid.error).toMatch(/invalid event AppScaled/);
    const g = gate({ 'app-a': 1, 'app-b': 1 });
    expect(kinds(g, [invalid, scaled('b', 2, 3), scaled('a', 3, 4), scaled('b', 3, 4)])).toEqual([
      'park',
      'apply',
      'wait',
      'apply',
    ]);
  });

  it('parks an event of a newer schema version than this reader knows', () => {
    const tooNew = scaled('a', 1, 2, 99);
    expect(gate().judge(tooNew)).toEqual({
      kind: 'park',
      error: 'invalid event AppScaled: schema version 99 is newer than 1',
    });
  });

  it('parks an event that skips versions, saying how to recover', () => {
    expect(gate({ 'app-a': 1 }).judge(scaled('a', 4, 2))).toEqual({
      kind: 'park',
      error: 'versions 2..3 of app-a never arrived: rebuild it',
    });
  });

  it('keeps an unreadable message under its key, or under its source when it has none', () => {
    expect(decodeMessage('not json', 'app-x', 't/0@7')).toMatchObject({ streamId: 'app-x', streamVersion: null });
    expect(decodeMessage('not json', null, 't/0@7')).toMatchObject({ streamId: 't/0@7' });
    const g = gate({}, ['app-a']);
    expect(sortOut(g, [decodeMessage('not json', null, 't/0@7'), scaled('a', 1, 2), scaled('b', 1, 2)])).toMatchObject({
      events: [expect.objectContaining({ streamId: 'app-b' })],
      letters: [
        { status: 'parked', decoded: expect.objectContaining({ streamId: 't/0@7' }) },
        { status: 'waiting', decoded: expect.objectContaining({ streamId: 'app-a' }) },
      ],
      duplicates: 0,
    });
  });
});
