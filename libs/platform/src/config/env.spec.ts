import { z } from 'zod';
import { composeConfig, ConfigError, int, parseConfig } from './env';

const a = z.object({ A_MS: int(0).default(5) }).transform((e) => ({ ms: e.A_MS }));
const b = z.object({ B_NAME: z.string().min(2).default('bee') }).transform((e) => e.B_NAME);
const both = composeConfig({ a, b });

describe('composeConfig and parseConfig', () => {
  it('gives each feature its settings from the one environment, under its key', () => {
    expect(parseConfig(both, {})).toEqual({ a: { ms: 5 }, b: 'bee' });
    expect(parseConfig(both, { A_MS: '7', B_NAME: 'bo', OTHER: 'x' })).toEqual({ a: { ms: 7 }, b: 'bo' });
  });

  it('names every variable at fault and why, whatever feature it belongs to', () => {
    expect(() => parseConfig(both, { A_MS: '-1', B_NAME: 'x' })).toThrow(ConfigError);
    expect(() => parseConfig(both, { A_MS: '-1', B_NAME: 'x' })).toThrow(
      /^invalid configuration: A_MS: Number must be greater than or equal to 0; B_NAME: String must contain at least 2/,
    );
    expect(() => parseConfig(both, { A_MS: 'soon' })).toThrow(/A_MS: Expected number, received nan/);
  });
});
