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
});
