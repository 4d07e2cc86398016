import { Alarm } from './alarm';

describe('Alarm', () => {
  it('sleeps the given time when nobody rings', async () => {
    const started = Date.now();
    await new Alarm().sleep(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('wakes a sleeper at once when rung', async () => {
    const alarm = new Alarm();
    const started = Date.now();
    const slept = alarm.sleep(10_000);
    alarm.ring();
    await slept;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('remembers a ring while nobody sleeps, once', async () => {
    const alarm = new Alarm();
    alarm.ring();
    const started = Date.now();
    await alarm.sleep(10_000);
    expect(Date.now() - started).toBeLessThan(1000);
    const second = Date.now();
    await alarm.sleep(50);
    expect(Date.now() - second).toBeGreaterThanOrEqual(45);
  });
});
