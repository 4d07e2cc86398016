import { LbVersion } from '../nginx/nginx-conf';
import { Applier, RejectedConfig } from './applier';
import { AppliedState } from './state-file';

const v = (version: number): LbVersion => ({ version, hash: `h${version}`, config: `# ${version}\n` });
const quiet = { log: () => undefined, error: () => undefined };

/** gate is an apply target whose applies finish only when the test says so. */
function gate(fail: number[] = [], flaky: number[] = []) {
  const started: number[] = [];
  let release: () => void = () => undefined;
  const target = {
    apply: (x: LbVersion) => {
      started.push(x.version);
      return new Promise<void>((resolve, reject) => {
        release = () => {
          if (fail.includes(x.version)) return reject(new RejectedConfig('nginx -t failed'));
          const i = flaky.indexOf(x.version);
          if (i < 0) return resolve();
          flaky.splice(i, 1);
          reject(new Error('nginx is not running'));
        };
      });
    },
  };
  return { target, started, finish: () => release() };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('Applier', () => {
  const start: AppliedState = { version: 3, hash: 'h3', appliedAt: '2024-01-01T00:00:00.000Z' };

  it('applies the newest version offered while one is in flight, skipping the ones in between', async () => {
    const saved: AppliedState[] = [];
    const g = gate();
    const a = new Applier(g.target, start, (s) => saved.push(s), quiet);
    a.offer(v(4));
    await tick();
    a.offer(v(5));
    a.offer(v(6));
    g.finish();
    await tick();
    g.finish();
    await a.idle();
    expect(g.started).toEqual([4, 6]);
    expect(saved.map((s) => s.version)).toEqual([4, 6]);
    expect(a.applied.version).toBe(6);
  });

  it('never applies a version older than or equal to the applied one, whatever order they come in', async () => {
    const g = gate();
    const a = new Applier(g.target, start, () => undefined, quiet);
    a.offer(v(2));
    a.offer(v(3));
    await a.idle();
    expect(g.started).toEqual([]);
    a.offer(v(8));
    await tick();
    g.finish();
    await a.idle();
    a.offer(v(7));
    await a.idle();
    expect(g.started).toEqual([8]);
    expect(a.applied.version).toBe(8);
  });

  it('skips a version nginx rejects, keeps the applied one, and applies the next', async () => {
    const g = gate([4]);
    const a = new Applier(g.target, start, () => undefined, quiet);
    a.offer(v(4));
    await tick();
    g.finish();
    await a.idle();
    expect(a.applied.version).toBe(3);
    expect(a.rejected).toBe(1);
    a.offer(v(5));
    await tick();
    g.finish();
    await a.idle();
    expect(a.applied.version).toBe(5);
  });

  it('retries a version that failed for another reason (nginx down) until it is applied', async () => {
    const g = gate([], [4, 4]);
    const a = new Applier(g.target, start, () => undefined, quiet, { first: 1, max: 2 });
    a.offer(v(4));
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
      g.finish();
    }
    await a.idle();
    expect(g.started).toEqual([4, 4, 4]);
    expect(a.applied.version).toBe(4);
  });
});
