import { Constraint } from '@mammoth/events';
import { request } from '../testing/scheduler';
import { DEFAULT_FILTERS, filtersFor, scorersFor } from './pipeline';

describe('filtersFor', () => {
  it.each([
    ['no constraints', [], []],
    ['one label constraint', [{ kind: 'label', key: 'rack', op: 'exists', values: [] }], ['label-constraint']],
    [
      'constraints given out of order run cheapest first, labels keeping their order',
      [
        { kind: 'max-per', key: 'rack' },
        { kind: 'unique' },
        { kind: 'label', key: 'a', op: 'exists', values: [] },
        { kind: 'label', key: 'b', op: 'exists', values: [] },
      ],
      ['label-constraint', 'label-constraint', 'unique', 'max-per'],
    ],
  ] as [string, Constraint[], string[]][])('%s', (_label, constraints, names) => {
    const filters = filtersFor(request({ constraints }), DEFAULT_FILTERS, []);
    expect(filters.map((f) => f.name)).toEqual([...DEFAULT_FILTERS.map((f) => f.name), ...names]);
  });

  it('runs status, cpu, memory, disk and ports first, in that order', () => {
    expect(DEFAULT_FILTERS.map((f) => f.name)).toEqual(['node-status', 'cpu-fit', 'memory-fit', 'disk-fit', 'ports']);
  });

  it('gives each label constraint its own reason', () => {
    const constraints: Constraint[] = [
      { kind: 'label', key: 'a', op: 'exists', values: [] },
      { kind: 'label', key: 'b', op: 'exists', values: [] },
    ];
    expect(filtersFor(request({ constraints }), [], []).map((f) => f.reason)).toEqual([
      'constraint a exists not met',
      'constraint b exists not met',
    ]);
  });
});

describe('scorersFor', () => {
  it.each([
    [
      'spread',
      undefined,
      [
        ['least-allocated', 1],
        ['app-anti-affinity', 0.5],
      ],
    ],
    [
      'binpack',
      undefined,
      [
        ['most-allocated', 1],
        ['app-anti-affinity', 0.05],
      ],
    ],
    ['binpack', { allocation: 2, antiAffinity: 0 }, [['most-allocated', 2]]],
  ] as const)('%s with %j weighs %j', (strategy, weights, expected) => {
    expect(scorersFor(request({ strategy }), weights).map((s) => [s.plugin.name, s.weight])).toEqual(expected);
  });
});
