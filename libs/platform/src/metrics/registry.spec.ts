import { counter, metricsRegistry, sampledGauge } from './registry';

describe('the process registry', () => {
  it('gives the same counter to a second definition of the same name', () => {
    const a = counter({ name: 'test_registry_things_total', help: 'things' });
    const b = counter({ name: 'test_registry_things_total', help: 'things' });
    expect(b).toBe(a);
  });

  it('samples a gauge from its sources at scrape time, leaving out a source that fails and one removed', async () => {
    const g = sampledGauge({ name: 'test_registry_lag', help: 'lag', labelNames: ['part'] as const });
    g.track(() => [{ labels: { part: 'a' }, value: 3 }]);
    g.track(async () => {
      throw new Error('database down');
    });
    const untrack = g.track(() => [{ labels: { part: 'b' }, value: 5 }]);
    let text = await metricsRegistry.getSingleMetricAsString('test_registry_lag');
    expect(text).toContain('test_registry_lag{part="a"} 3');
    expect(text).toContain('test_registry_lag{part="b"} 5');
    untrack();
    text = await metricsRegistry.getSingleMetricAsString('test_registry_lag');
    expect(text).toContain('test_registry_lag{part="a"} 3');
    expect(text).not.toContain('part="b"');
  });
});
