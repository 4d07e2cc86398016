import { latestHeartbeats } from './latest-heartbeats';

const msg = (value: unknown, offset = 0) => ({
  offset: String(offset),
  key: null,
  value: typeof value === 'string' ? value : JSON.stringify(value),
});

describe('latestHeartbeats', () => {
  it('keeps the newest heartbeat per node whatever the message order', () => {
    const { latest, invalid } = latestHeartbeats([
      msg({ nodeId: 'n1', at: '2024-01-01T00:00:05.000Z', seq: 5 }),
      msg({ nodeId: 'n1', at: '2024-01-01T00:00:03.000Z', seq: 3 }),
      msg({ nodeId: 'n2', at: Date.UTC(2024, 0, 1, 0, 0, 9), seq: 1, usage: { cpuPercent: 12.5, memoryMiB: 300 } }),
    ]);
    expect(invalid).toBe(0);
    expect([...latest].map(([n, h]) => [n, h.at.toISOString(), h.usage])).toEqual([
      ['n1', '2024-01-01T00:00:05.000Z', null],
      ['n2', '2024-01-01T00:00:09.000Z', { cpuPercent: 12.5, memoryMiB: 300 }],
    ]);
  });

  it('counts and leaves out malformed messages', () => {
    const { latest, invalid } = latestHeartbeats([
      msg('not json'),
      msg({ nodeId: '', at: 'yesterday' }),
      msg({ at: '2024-01-01T00:00:00Z' }),
      msg({ nodeId: 'n1', at: '2024-01-01T00:00:00Z', usage: { cpuPercent: -1, memoryMiB: 3 } }),
    ]);
    expect(latest.size).toBe(0);
    expect(invalid).toBe(4);
  });
});
