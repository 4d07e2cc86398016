import { makeEvent } from './catalog';
import { RecordedEvent } from './envelope';
import { fromWire, toWire } from './serde';
import { Topics } from './topics';
import { InvalidEventError } from './catalog';

const recorded: RecordedEvent = {
  streamId: 'app-web',
  streamVersion: 3,
  position: '9007199254740993', // beyond Number precision: positions travel as strings
  event: makeEvent('AppScaled', { name: 'web', from: 1, to: 4 }),
  metadata: {
    eventId: '00000000-0000-4000-8000-000000000001',
    correlationId: 'corr-1',
    causationId: null,
    actor: 'operator',
    timestamp: '2024-11-22T10:00:00.000Z',
  },
};

describe('toWire / fromWire', () => {
  it('keys by stream id and carries type and event id in headers', () => {
    const w = toWire(recorded);
    expect(w.key).toBe('app-web');
    expect(w.headers).toEqual({ 'mammoth-type': 'AppScaled', 'mammoth-event-id': recorded.metadata.eventId });
  });

  it('round-trips a recorded event exactly', () => {
    expect(fromWire(toWire(recorded).value)).toEqual(recorded);
  });

  it('validates the event data on the way in', () => {
    const raw = JSON.parse(toWire(recorded).value);
    raw.data.to = -1;
    expect(() => fromWire(JSON.stringify(raw))).toThrow(InvalidEventError);
    expect(() => fromWire(JSON.stringify(raw))).toThrow(/to:/);
  });

  it('rejects an unknown type', () => {
    const raw = { ...JSON.parse(toWire(recorded).value), type: 'Bogus' };
    expect(() => fromWire(JSON.stringify(raw))).toThrow('invalid event Bogus: unknown event type');
  });

  it('rejects a message without a schema version', () => {
    const { version: _v, ...raw } = JSON.parse(toWire(recorded).value);
    expect(() => fromWire(JSON.stringify(raw))).toThrow(InvalidEventError);
  });

  it('rejects bad metadata', () => {
    const raw = JSON.parse(toWire(recorded).value);
    raw.metadata.eventId = 'x';
    expect(() => fromWire(JSON.stringify(raw))).toThrow(/eventId/);
  });

  it.each(['streamId', 'streamVersion', 'position'])('rejects a message without %s', (field) => {
    const raw = JSON.parse(toWire(recorded).value);
    delete raw[field];
    expect(() => fromWire(JSON.stringify(raw))).toThrow('message lacks streamId, streamVersion or position');
  });
});

describe('Topics', () => {
  it('names one event topic per category under the prefix, plus heartbeats', () => {
    const t = new Topics('abc');
    expect(t.events('node')).toBe('abc.events.node');
    expect(t.allEvents()).toEqual([
      'abc.events.node',
      'abc.events.app',
      'abc.events.instance',
      'abc.events.package',
      'abc.events.acl',
    ]);
    expect(t.heartbeats()).toBe('abc.heartbeats');
    expect(new Topics().events('app')).toBe('mammoth.events.app');
  });
});
