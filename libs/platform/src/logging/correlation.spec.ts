import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import { correlationId, requestCorrelationId, withCorrelation, withoutCorrelation } from './correlation';
import { kafkaLogging } from './kafka-logging';
import { initLogging } from './logger';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  },
});
initLogging('test', { level: 'debug' }, sink);
const flush = () => new Promise((r) => setImmediate(r));

describe('correlation ids on log lines', () => {
  beforeEach(() => lines.splice(0));

  it("puts the id on every line logged through Nest's Logger inside withCorrelation, and on the timers it starts", async () => {
    const log = new Logger('deploy');
    log.log('before');
    await withCorrelation('corr-1', async () => {
      expect(correlationId()).toBe('corr-1');
      log.log('inside');
      await new Promise<void>((r) => setTimeout(() => (log.warn('in a timer'), r()), 5));
    });
    log.log('after');
    await flush();
    expect(lines.map((l) => [l.msg, l.correlationId, l.context, l.name])).toEqual([
      ['before', undefined, 'deploy', 'test'],
      ['inside', 'corr-1', 'deploy', 'test'],
      ['in a timer', 'corr-1', 'deploy', 'test'],
      ['after', undefined, 'deploy', 'test'],
    ]);
  });

  it('leaves the id off lines of work started withoutCorrelation, and does not nest ids', async () => {
    const log = new Logger('loop');
    withCorrelation('outer', () => {
      withoutCorrelation(() => log.log('shared loop'));
      withCorrelation('inner', () => log.log('inner event'));
    });
    await flush();
    expect(lines.map((l) => [l.msg, l.correlationId])).toEqual([
      ['shared loop', undefined],
      ['inner event', 'inner'],
    ]);
    expect(correlationId()).toBeUndefined();
  });

  it("sends kafkajs's own lines through pino with the id in hand, at its level", async () => {
    const { logCreator, logLevel: level } = kafkaLogging('warn');
    expect(level).toBe(logLevel.WARN);
    const write = logCreator(logLevel.WARN);
    withCorrelation('k-1', () =>
      write({
        namespace: 'Connection',
        level: logLevel.ERROR,
        label: 'ERROR',
        log: { timestamp: 'x', logger: 'kafkajs', message: 'Connection error', broker: 'b:1' },
      }),
    );
    await flush();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'Connection error',
        context: 'kafkajs.Connection',
        broker: 'b:1',
        correlationId: 'k-1',
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('timestamp');
  });

  it("takes a caller's sane x-correlation-id and makes a new one otherwise", () => {
    expect(requestCorrelationId('abc-123')).toBe('abc-123');
    expect(requestCorrelationId('has space')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestCorrelationId(['a', 'b'])).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestCorrelationId(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
