import { InvalidArgumentError } from 'commander';
import { constraint, envVar, integer, positiveNumber } from './parse';

describe('argument parsers', () => {
  it.each([
    ['rack=a', { kind: 'label', key: 'rack', op: 'equals', values: ['a'] }],
    ['rack in a,b', { kind: 'label', key: 'rack', op: 'in', values: ['a', 'b'] }],
    ['zone not-in x', { kind: 'label', key: 'zone', op: 'not-in', values: ['x'] }],
    ['gpu exists', { kind: 'label', key: 'gpu', op: 'exists', values: [] }],
    ['unique', { kind: 'unique' }],
    ['max-per rack', { kind: 'max-per', key: 'rack' }],
    ['max-per rack=2', { kind: 'max-per', key: 'rack', max: 2 }],
  ])('reads the constraint %s', (text, expected) => {
    expect(constraint(text)).toEqual([expected]);
  });

  it('appends repeated constraints in order', () => {
    expect(constraint('unique', constraint('rack=a'))).toEqual([
      { kind: 'label', key: 'rack', op: 'equals', values: ['a'] },
      { kind: 'unique' },
    ]);
  });

  it.each(['', 'rack', 'rack in', 'max-per', 'rack == a'])('refuses the constraint %j', (text) => {
    expect(() => constraint(text)).toThrow(InvalidArgumentError);
  });

  it('reads KEY=VALUE env vars, keeping = in the value', () => {
    expect(envVar('B=x=y', envVar('A=1'))).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'x=y' },
    ]);
    expect(() => envVar('=1')).toThrow('KEY=VALUE');
    expect(() => envVar('A')).toThrow('KEY=VALUE');
  });

  it('reads whole numbers with a minimum', () => {
    expect(integer(0)('3')).toBe(3);
    expect(() => integer(0)('1.5')).toThrow('whole number');
    expect(() => integer(1)('0')).toThrow('at least 1');
    expect(() => integer(0)('x')).toThrow('whole number');
  });

  it('reads positive (fractional) numbers', () => {
    expect(positiveNumber('0.25')).toBe(0.25);
    expect(() => positiveNumber('0')).toThrow('above 0');
    expect(() => positiveNumber('')).toThrow('above 0');
    expect(() => positiveNumber('lots')).toThrow('above 0');
  });
});
