import { LoopBeats } from './loop-beats';

describe('LoopBeats', () => {
  it('is alive with no loop yet, and while every loop beats within its allowance', async () => {
    let now = 0;
    const beats = new LoopBeats(() => now);
    const probe = beats.probe();
    expect(await probe.check()).toEqual({ loops: [] });
    beats.beat('relay', 1000);
    beats.beat('watermark', 5000);
    now = 1000;
    expect(await probe.check()).toEqual({ loops: ['relay', 'watermark'] });
  });

  it('names each loop silent for longer than it may be, and forgives it once it beats again', () => {
    let now = 0;
    const beats = new LoopBeats(() => now);
    beats.beat('relay', 1000);
    beats.beat('watermark', 5000);
    now = 1001;
    expect(beats.silent()).toEqual([{ name: 'relay', silentMs: 1001 }]);
    expect(() => beats.probe().check()).toThrow('relay silent for 1001 ms');
    beats.beat('relay', 1000);
    expect(beats.silent()).toEqual([]);
    now = 5500;
    beats.beat('relay', 1000);
    expect(beats.silent()).toEqual([{ name: 'watermark', silentMs: 5500 }]);
  });

  it('names a loop whose rounds keep failing once its allowance is up, with the last error, until a round succeeds', () => {
    let now = 0;
    const beats = new LoopBeats(() => now);
    beats.beat('placer', 1000);
    now = 500;
    beats.failed('placer', 1000, 'database down');
    now = 1000;
    expect(beats.silent()).toEqual([]);
    now = 1001;
    beats.failed('placer', 1000, 'still down');
    expect(beats.silent()).toEqual([{ name: 'placer', silentMs: 1001, error: 'still down' }]);
    expect(() => beats.probe().check()).toThrow('placer silent for 1001 ms (last round failed: still down)');
    beats.beat('placer', 1000);
    expect(beats.silent()).toEqual([]);
  });

  it('watches a loop failing from its first round, and forgets a loop stopped on purpose', () => {
    let now = 0;
    const beats = new LoopBeats(() => now);
    beats.failed('rollout', 1000, 'boom');
    beats.beat('repair', 1000);
    now = 2000;
    expect(beats.silent().map((l) => l.name)).toEqual(['rollout', 'repair']);
    beats.forget('repair');
    expect(beats.silent().map((l) => l.name)).toEqual(['rollout']);
  });
});
