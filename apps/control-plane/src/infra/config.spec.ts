import { ConfigError, DEFAULT_DATABASE_URL } from '@mammoth/platform';
import { loadConfig } from './config';

describe('the control plane config', () => {
  it('composes every feature with the defaults of the README', () => {
    const c = loadConfig({ SCHEDULER_SEED: 's' });
    expect(c).toMatchObject({
      http: { port: 8080, host: '127.0.0.1' },
      database: { url: DEFAULT_DATABASE_URL, poolMax: 20, connectTimeoutMs: 5000, statementTimeoutMs: 30000 },
      kafka: { brokers: ['127.0.0.1:9092'] },
      topics: { prefix: 'mammoth', partitions: 3 },
      logging: { level: 'info' },
      schedulerSeed: 's',
      pendingPlacer: { watchMs: 500, sweepMs: 5000, jitterMs: 250 },
      rollout: { drainMs: 2000 },
      detector: { lostAfterMs: 5000 },
      instanceRepair: { enabled: true },
    });
  });

  it('names every variable at fault at once, whichever feature reads it', () => {
    const env = { PORT: 'abc', NODE_LOST_AFTER_MS: '-5', DATABASE_URL: 'postgres//nohost' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/PORT: Expected number, received nan/);
    expect(() => loadConfig(env)).toThrow(/NODE_LOST_AFTER_MS: Number must be greater than or equal to 100/);
    expect(() => loadConfig(env)).toThrow(/DATABASE_URL: not a URL/);
  });

  it('rejects a host that is not an address', () => {
    expect(() => loadConfig({ HOST: 'everywhere' })).toThrow(/HOST: must be an IP address/);
  });
});
