import { EventBus, WireMessage } from '@mammoth/events';
import { FleetHeartbeater } from './fleet-heartbeats';

function bus() {
  const published: { topic: string; messages: WireMessage[] }[] = [];
  const b: Pick<EventBus, 'publish'> & { fail: boolean } = {
    fail: false,
    publish: async (topic, messages) => {
      if (b.fail) throw new Error('broker down');
      published.push({ topic, messages });
    },
  };
  return { b: b as EventBus & { fail: boolean }, published };
}

describe('FleetHeartbeater', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("beats for every node once per interval in the daemon's format, in a few produce calls spread over the interval", async () => {
    const { b, published } = bus();
    const nodeIds = Array.from({ length: 2500 }, (_, i) => `h-${i}`);
    const hb = new FleetHeartbeater({
      bus: b,
      topic: 'p.heartbeats',
      nodeIds,
      intervalMs: 1000,
      log: () => undefined,
      now: () => new Date(0),
    });
    hb.start();
    await jest.advanceTimersByTimeAsync(700);
    hb.stop();
    expect(published).toHaveLength(3);
    const all = published.flatMap((p) => p.messages);
    expect(new Set(all.map((m) => m.key))).toEqual(new Set(nodeIds));
    expect(all).toHaveLength(2500);
    const m = all.find((x) => x.key === 'h-7')!;
    expect(JSON.parse(m.value)).toEqual({ nodeId: 'h-7', at: '1970-01-01T00:00:00.000Z', seq: 1 });
    expect(published.every((p) => p.topic === 'p.heartbeats')).toBe(true);
  });

  it('counts seq per node across intervals and keeps trying while the broker is down', async () => {
    const { b, published } = bus();
    const logs: string[] = [];
    const hb = new FleetHeartbeater({
      bus: b,
      topic: 't',
      nodeIds: ['a', 'b'],
      intervalMs: 100,
      log: (l) => logs.push(l),
    });
    b.fail = true;
    hb.start();
    await jest.advanceTimersByTimeAsync(250);
    b.fail = false;
    await jest.advanceTimersByTimeAsync(100);
    hb.stop();
    expect(logs[0]).toMatch(/heartbeats failed/);
    expect(logs.at(-1)).toMatch(/flow again/);
    const seqs = published
      .flatMap((p) => p.messages)
      .filter((m) => m.key === 'b')
      .map((m) => JSON.parse(m.value).seq);
    expect(seqs).toEqual([4]);
    expect(hb.sent).toBe(2);
  });
});
