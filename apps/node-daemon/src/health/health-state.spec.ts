import { HealthState, initialHealth, observe } from './health-state';

const ok = { healthy: true, message: 'HTTP 200' };
const bad = { healthy: false, message: 'HTTP 404 (expected 200)' };

/** run folds results (true: success, false: failure), each flagged in grace or not, and lists the verdicts reported. */
function run(
  results: readonly (readonly [boolean, boolean])[],
  thresholds = { healthyThreshold: 1, unhealthyThreshold: 3 },
) {
  let state: HealthState = initialHealth();
  const verdicts: string[] = [];
  for (const [healthy, inGrace] of results) {
    const o = observe(state, healthy ? ok : bad, thresholds, inGrace);
    state = o.state;
    if (o.verdict) verdicts.push(o.verdict.healthy ? 'healthy' : 'unhealthy');
  }
  return { status: state.status, verdicts };
}

const T = true;
const F = false;

describe('observe', () => {
  it.each([
    ['one success makes it healthy (threshold 1)', [[T, F]], 'healthy', ['healthy']],
    [
      'two failures are not yet three',
      [
        [F, F],
        [F, F],
      ],
      'unknown',
      [],
    ],
    [
      'three consecutive failures make it unhealthy',
      [
        [F, F],
        [F, F],
        [F, F],
      ],
      'unhealthy',
      ['unhealthy'],
    ],
    [
      'a success in between resets the count',
      [
        [F, F],
        [F, F],
        [T, F],
        [F, F],
        [F, F],
      ],
      'healthy',
      ['healthy'],
    ],
    [
      'healthy, then three failures',
      [
        [T, F],
        [F, F],
        [F, F],
        [F, F],
      ],
      'unhealthy',
      ['healthy', 'unhealthy'],
    ],
    [
      'unhealthy, then a success recovers it',
      [
        [F, F],
        [F, F],
        [F, F],
        [T, F],
      ],
      'healthy',
      ['unhealthy', 'healthy'],
    ],
    [
      'more failures after unhealthy report nothing more',
      [
        [F, F],
        [F, F],
        [F, F],
        [F, F],
        [F, F],
      ],
      'unhealthy',
      ['unhealthy'],
    ],
    [
      'failures in grace are ignored, however many',
      [
        [F, T],
        [F, T],
        [F, T],
        [F, T],
      ],
      'unknown',
      [],
    ],
    [
      'counting starts when grace ends',
      [
        [F, T],
        [F, T],
        [F, T],
        [F, F],
        [F, F],
      ],
      'unknown',
      [],
    ],
    [
      'and reaches the threshold after it',
      [
        [F, T],
        [F, T],
        [F, F],
        [F, F],
        [F, F],
      ],
      'unhealthy',
      ['unhealthy'],
    ],
    [
      'once healthy, failures in grace count',
      [
        [T, T],
        [F, T],
        [F, T],
        [F, T],
      ],
      'unhealthy',
      ['healthy', 'unhealthy'],
    ],
  ] as const)('%s', (_label, results, status, verdicts) => {
    expect(run(results)).toEqual({ status, verdicts });
  });

  it('needs healthyThreshold consecutive successes', () => {
    const thresholds = { healthyThreshold: 2, unhealthyThreshold: 1 };
    expect(run([[T, F]], thresholds)).toEqual({ status: 'unknown', verdicts: [] });
    expect(
      run(
        [
          [T, F],
          [F, F],
          [T, F],
        ],
        thresholds,
      ),
    ).toEqual({ status: 'unhealthy', verdicts: ['unhealthy'] });
    expect(
      run(
        [
          [T, F],
          [T, F],
        ],
        thresholds,
      ),
    ).toEqual({ status: 'healthy', verdicts: ['healthy'] });
  });

  it('reports the message of the result that changed the status', () => {
    const first = observe(initialHealth(), bad, { healthyThreshold: 1, unhealthyThreshold: 1 }, false);
    expect(first.verdict).toEqual(bad);
  });
});
