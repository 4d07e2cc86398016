import { AppProgressInput, rolloutProgress } from './progress';

const app = (over: Partial<AppProgressInput> = {}): AppProgressInput => ({
  desired: 3,
  healthy: 3,
  pending: { count: 0 },
  rollout: null,
  ...over,
});
const rolling = { from: '1', to: '2', phase: 'rolling' };

describe('rolloutProgress', () => {
  it('is done when no rollout runs and every desired instance is healthy', () => {
    expect(rolloutProgress(app())).toMatchObject({ phase: 'steady', target: null, ready: 3, done: true });
  });

  it('is not done while fewer instances are healthy than desired', () => {
    expect(rolloutProgress(app({ healthy: 2 }))).toMatchObject({ ready: 2, done: false });
  });

  it('is not done while a rollout is recorded, even with every instance healthy', () => {
    expect(rolloutProgress(app({ rollout: rolling }))).toMatchObject({ phase: 'rolling', target: '2', done: false });
  });

  it('reads a rollback as its own phase', () => {
    expect(rolloutProgress(app({ rollout: { ...rolling, phase: 'rollback' } })).phase).toBe('rollback');
  });

  it('says a canary waits for promote', () => {
    const p = rolloutProgress(app({ rollout: { ...rolling, phase: 'canary', canaryWeight: 20 } }));
    expect(p.phase).toBe('canary');
    expect(p.waiting).toMatch(/20% .*promote/);
  });

  it('reports pending instances and caps ready at desired during a surge', () => {
    expect(rolloutProgress(app({ desired: 1, healthy: 2, pending: { count: 2 } }))).toMatchObject({
      ready: 1,
      desired: 1,
      pending: 2,
    });
  });
});
