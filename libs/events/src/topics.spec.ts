import { Topics } from './topics';

describe('Topics.specs: every topic with its replication and retention', () => {
  it('keeps events forever and heartbeats for minutes, on one replica unless told', () => {
    const specs = new Topics('m').specs({ partitions: 3 });
    expect(specs.find((s) => s.topic === 'm.events.app')).toEqual({
      topic: 'm.events.app',
      partitions: 3,
      replicationFactor: 1,
      configs: { 'retention.ms': '-1', 'retention.bytes': '-1' },
    });
    expect(specs.find((s) => s.topic === 'm.heartbeats')).toEqual({
      topic: 'm.heartbeats',
      partitions: 3,
      replicationFactor: 1,
      configs: { 'retention.ms': '600000', 'retention.bytes': '-1', 'segment.ms': '600000' },
    });
    expect(specs.map((s) => s.topic)).toEqual([...new Topics('m').allEvents(), 'm.heartbeats']);
  });

  it('carries a replicated cluster’s factor and min.insync.replicas to every topic', () => {
    const specs = new Topics('m').specs({
      partitions: 6,
      replication: { replicationFactor: 3, minInsyncReplicas: 2 },
      heartbeatRetentionMs: 120_000,
    });
    for (const s of specs) expect(s).toMatchObject({ replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    expect(specs.find((s) => s.topic === 'm.heartbeats')?.configs['retention.ms']).toBe('120000');
  });
});
