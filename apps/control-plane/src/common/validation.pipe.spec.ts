import 'reflect-metadata';
import { DeployAppInput } from '../modules/apps/app.inputs';
import { DomainException } from './domain.exception';
import { inputValidationPipe } from './validation.pipe';

const valid = { name: 'web', package: 'web', instances: 1, cpus: 0.5, memoryMiB: 64, diskMiB: 0 };

async function fieldOf(input: object): Promise<string | null> {
  try {
    await inputValidationPipe().transform(input, { type: 'body', metatype: DeployAppInput });
    return null;
  } catch (err) {
    if (!(err instanceof DomainException)) throw err;
    expect(err.error.code).toBe('INVALID_ARGUMENT');
    expect(err.error.message.startsWith(`${err.error.field}: `)).toBe(true);
    return err.error.field ?? '';
  }
}

describe('inputValidationPipe on DeployAppInput', () => {
  it.each([
    ['no strategy or constraints', {}, null],
    ['spread', { strategy: 'spread' }, null],
    [
      'every constraint kind',
      {
        strategy: 'binpack',
        constraints: [
          { kind: 'label', key: 'rack', op: 'in', values: ['a'] },
          { kind: 'unique' },
          { kind: 'max-per', key: 'rack', max: 2 },
        ],
      },
      null,
    ],
    ['an unknown strategy', { strategy: 'random' }, 'strategy'],
    ['an unknown constraint kind', { constraints: [{ kind: 'near' }] }, 'constraints[0].kind'],
    [
      'an unknown op',
      { constraints: [{ kind: 'unique' }, { kind: 'label', key: 'rack', op: 'like', values: ['a'] }] },
      'constraints[1].op',
    ],
    [
      'a non-string value',
      { constraints: [{ kind: 'label', key: 'rack', op: 'in', values: [1] }] },
      'constraints[0].values',
    ],
    ['a max below one', { constraints: [{ kind: 'max-per', key: 'rack', max: 0 }] }, 'constraints[0].max'],
    ['constraints that are not a list', { constraints: { kind: 'unique' } }, 'constraints'],
    ['a bad env var, indexed the same way', { env: [{ name: '1X', value: 'v' }] }, 'env[0].name'],
  ])('%s', async (_label, over, field) => {
    expect(await fieldOf({ ...valid, ...over })).toBe(field);
  });
});
