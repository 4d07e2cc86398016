import { request, working } from '../../testing/scheduler';
import { reserve } from '../working';
import { antiAffinity, antiAffinityScore } from './anti-affinity.score';

describe('antiAffinityScore', () => {
  it.each([
    [0, 10, 1],
    [1, 10, 0.9],
    [5, 10, 0.5],
    [10, 10, 0],
    [12, 10, 0],
    [1, 2, 0.5],
    [0, 0, 1],
  ])('%i of the app on a node, %i desired, scores %d', (onNode, desired, expected) => {
    expect(antiAffinityScore(onNode, desired)).toBeCloseTo(expected, 10);
  });
});

describe('antiAffinity', () => {
  it('prefers nodes with fewer instances of the same app, counting planned ones and ignoring other apps', () => {
    const req = request({ desired: 4 });
    const empty = working({ appCounts: new Map([['api', 3]]) });
    const one = working({ appCounts: new Map([['web', 1]]) });
    const planned = working();
    reserve(planned, 'web', req.resources);
    reserve(planned, 'web', req.resources);
    expect([empty, one, planned].map((n) => antiAffinity.score(req, n))).toEqual([1, 0.75, 0.5]);
  });

  it('uses the request count when the desired total is not given', () => {
    expect(antiAffinity.score(request({ count: 2 }), working({ appCounts: new Map([['web', 1]]) }))).toBeCloseTo(
      0.5,
      10,
    );
  });
});
