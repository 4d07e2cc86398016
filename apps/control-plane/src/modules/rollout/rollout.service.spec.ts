import { Writable } from 'node:stream';
import { AppEvent } from '@mammoth/events';
import { AppendContext } from '@mammoth/event-store';
import { correlationId, initLogging, LoopBeats } from '@mammoth/platform';
import { Loops } from '../../scheduling/loops';
import { RolloutCandidates } from './rollout-candidates';
import { ROLLOUT_ACTOR, RolloutStep } from './rollout-step';
import { RolloutLoop } from './rollout.service';

const lines: { msg: string; correlationId?: string; context?: string }[] = [];
initLogging(
  'control-plane',
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as (typeof lines)[number]);
      done();
    },
  }),
);

/** FakeStep stands in for RolloutStep: it records the context of each step and writes one placement per app ('bad' fails). */
class FakeStep {
  readonly seen: { app: string; ctx: AppendContext; current: string | undefined }[] = [];

  async step(app: string, ctx: AppendContext): Promise<{ events: readonly AppEvent[]; rolling: boolean }> {
    this.seen.push({ app, ctx, current: correlationId() });
    await new Promise((r) => setImmediate(r));
    if (app === 'bad') throw new Error('too much contention');
    return {
      events: [{ type: 'InstancePlaced', data: { instanceId: `${app}-0000-instance` } } as AppEvent],
      rolling: true,
    };
  }
}

describe('RolloutLoop.step', () => {
  it("steps each app under a correlation id of its own, shared by the step's commit and its log lines", async () => {
    const stepper = new FakeStep();
    const loop = new RolloutLoop(
      { drainMs: 0, watchMs: 100, sweepMs: 500 },
      {} as RolloutCandidates,
      stepper as unknown as RolloutStep,
      new Loops(() => 0.5, new LoopBeats()),
    );
    await loop.step(['web', 'api', 'bad']);
    await new Promise((r) => setImmediate(r));

    expect(stepper.seen.map((s) => [s.app, s.ctx.actor])).toEqual([
      ['web', ROLLOUT_ACTOR],
      ['api', ROLLOUT_ACTOR],
      ['bad', ROLLOUT_ACTOR],
    ]);
    expect(new Set(stepper.seen.map((s) => s.ctx.correlationId)).size).toBe(3);
    for (const { app, ctx, current } of stepper.seen) {
      expect(current).toBe(ctx.correlationId);
      expect(lines.filter((l) => l.correlationId === ctx.correlationId).map((l) => l.msg)).toEqual([
        app === 'bad' ? 'bad: too much contention; the next sweep retries' : `${app}: InstancePlaced ${app}-0000`,
      ]);
    }
  });
});
