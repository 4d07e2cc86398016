import { Constraint } from '@mammoth/events';
import { candidate, request } from '../../testing/scheduler';
import { WorkingNode } from '../types';
import { reserve, workingNode } from '../working';
import { countPer, defaultMaxPer, maxPerConstraintFilter } from './max-per.filter';

const SHAPE = { cpuMillis: 1, memoryMiB: 1, diskMiB: 0 };
const node = (
  id: string,
  rack: string | undefined,
  web = 0,
  extra: Record<string, string> = {},
  status: 'ready' | 'lost' = 'ready',
): WorkingNode =>
  workingNode(
    candidate(id, {
      status,
      labels: rack === undefined ? extra : { rack, ...extra },
      appCounts: new Map(web ? [['web', web]] : []),
    }),
  );

describe('defaultMaxPer', () => {
  it.each([
    ['4 over 2 racks', 4, [], [['a'], ['b']], 2],
    ['5 over 2 racks rounds up', 5, [], [['a'], ['b'], ['b']], 3],
    ['unlabelled nodes do not count as a value', 4, [], [['a'], [undefined]], 4],
    ['not-ready nodes do not count', 4, [], [['a'], ['b', 'lost']], 4],
    [
      'nodes failing a label constraint do not count',
      6,
      [{ kind: 'label', key: 'zone', op: 'equals', values: ['z1'] }],
      [
        ['a', 'ready', 'z1'],
        ['b', 'ready', 'z2'],
        ['c', 'ready', 'z1'],
      ],
      3,
    ],
    ['no labelled node leaves the desired count', 3, [], [[undefined]], 3],
  ] as const)('%s', (_label, desired, constraints, specs, expected) => {
    const nodes = specs.map(([rack, status, zone], i) =>
      node(`n${i}`, rack, 0, zone ? { zone } : {}, status ?? 'ready'),
    );
    expect(defaultMaxPer('rack', request({ desired, constraints: constraints as readonly Constraint[] }), nodes)).toBe(
      expected,
    );
  });

  it('defaults the desired count to the request count', () => {
    expect(defaultMaxPer('rack', request({ count: 3 }), [node('a', 'a'), node('b', 'b')])).toBe(2);
  });
});

describe('countPer', () => {
  it('sums live and planned instances of the app per label value, ignoring unlabelled nodes and other apps', () => {
    const nodes = [node('1', 'a', 2), node('2', 'a', 1), node('3', 'b'), node('4', undefined, 5)];
    reserve(nodes[2], 'web', SHAPE);
    reserve(nodes[2], 'api', SHAPE);
    expect([...countPer('rack', 'web', nodes)].sort()).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
  });
});

describe('maxPerConstraintFilter', () => {
  it.each([
    ['an explicit max', 2, [node('1', 'a', 2), node('2', 'b', 1)], [false, true]],
    ['the default ⌈4/2⌉', undefined, [node('1', 'a', 1), node('2', 'a', 1), node('3', 'b', 1)], [false, false, true]],
    ['a node without the label', 5, [node('1', undefined), node('2', 'a')], [false, true]],
  ])('%s', (_label, max, nodes, fits) => {
    const req = request({ desired: 4 });
    const f = maxPerConstraintFilter.build({ kind: 'max-per', key: 'rack', max }, req, nodes);
    expect(nodes.map((n) => f.fits(req, n))).toEqual(fits);
  });

  it('follows the placements it hears of', () => {
    const nodes = [node('1', 'a'), node('2', 'a'), node('3', 'b')];
    const req = request({ desired: 4 });
    const f = maxPerConstraintFilter.build({ kind: 'max-per', key: 'rack' }, req, nodes);
    expect(f.reason).toBe('constraint at most 2 per rack not met');
    f.placed(req, nodes[0]);
    expect(f.fits(req, nodes[1])).toBe(true);
    f.placed(req, nodes[1]);
    expect([f.fits(req, nodes[0]), f.fits(req, nodes[1]), f.fits(req, nodes[2])]).toEqual([false, false, true]);
  });
});
