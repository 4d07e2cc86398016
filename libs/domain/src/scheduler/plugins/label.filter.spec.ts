import { LabelConstraint } from '@mammoth/events';
import { request, working } from '../../testing/scheduler';
import { labelConstraintFilter, labelReason, matchesLabel } from './label.filter';

const c = (op: LabelConstraint['op'], values: string[] = [], key = 'rack'): LabelConstraint => ({
  kind: 'label',
  key,
  op,
  values,
});

describe('matchesLabel', () => {
  it.each([
    ['equals, same value', c('equals', ['a']), { rack: 'a' }, true],
    ['equals, other value', c('equals', ['a']), { rack: 'b' }, false],
    ['equals, no label', c('equals', ['a']), {}, false],
    ['equals is case-sensitive', c('equals', ['a']), { rack: 'A' }, false],
    ['in, listed', c('in', ['a', 'b']), { rack: 'b' }, true],
    ['in, not listed', c('in', ['a', 'b']), { rack: 'c' }, false],
    ['in, no label', c('in', ['a', 'b']), { zone: 'a' }, false],
    ['not-in, listed', c('not-in', ['a', 'b']), { rack: 'a' }, false],
    ['not-in, not listed', c('not-in', ['a', 'b']), { rack: 'c' }, true],
    ['not-in, no label (as Kubernetes NotIn)', c('not-in', ['a']), {}, true],
    ['exists, present', c('exists'), { rack: 'a' }, true],
    ['exists, present but empty', c('exists'), { rack: '' }, true],
    ['exists, absent', c('exists'), { zone: 'a' }, false],
    ['exists ignores inherited properties', c('exists', [], 'constructor'), {}, false],
    ['not-in ignores inherited properties', c('not-in', ['x'], 'toString'), {}, true],
    ['a prefixed key', c('equals', ['ssd'], 'mammoth.io/disk'), { 'mammoth.io/disk': 'ssd' }, true],
  ] as const)('%s', (_label, constraint, labels, expected) => {
    expect(matchesLabel(constraint, labels)).toBe(expected);
  });
});

describe('labelReason', () => {
  it.each([
    [c('equals', ['a']), 'constraint rack=a not met'],
    [c('in', ['a', 'b']), 'constraint rack in (a,b) not met'],
    [c('not-in', ['a']), 'constraint rack not in (a) not met'],
    [c('exists', [], 'gpu'), 'constraint gpu exists not met'],
  ])('%j reads %j', (constraint, reason) => {
    expect(labelReason(constraint)).toBe(reason);
  });
});

describe('labelConstraintFilter', () => {
  it('builds one filter per constraint, each with its own reason, testing the node labels', () => {
    const rackA = labelConstraintFilter.build(c('equals', ['a']), request(), []);
    const ssd = labelConstraintFilter.build(c('equals', ['ssd'], 'disk'), request(), []);
    const node = working({ labels: { rack: 'a', disk: 'hdd' } });
    expect([rackA.fits(request(), node), ssd.fits(request(), node)]).toEqual([true, false]);
    expect([rackA.reason, ssd.reason]).toEqual(['constraint rack=a not met', 'constraint disk=ssd not met']);
  });
});
