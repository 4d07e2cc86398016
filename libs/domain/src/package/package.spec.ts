import { makeEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { DomainError } from '../shared/errors';
import {
  decidePackage,
  evolvePackage,
  initialPackageState,
  PackageCommand,
  pinPackage,
  UploadPackage,
} from './package';

const decider = { initialState: initialPackageState, evolve: evolvePackage, decide: decidePackage };
const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

function upload(over: Partial<UploadPackage> = {}): PackageCommand {
  return {
    type: 'UploadPackage',
    name: 'web',
    version: '1.0.0',
    digest: DIGEST_A,
    format: 'image',
    sizeBytes: 1024,
    imageRef: 'mammoth/web:1.0.0',
    ...over,
  };
}

function uploaded(over: Partial<UploadPackage> = {}) {
  const { type: _type, ...data } = upload(over);
  return makeEvent('PackageUploaded', data);
}

describe('package decider', () => {
  it('records a first upload', () => {
    spec(decider).given([]).when(upload()).then([uploaded()]);
  });

  it('records a new version beside an existing one', () => {
    spec(decider)
      .given([uploaded()])
      .when(upload({ version: '1.1.0', digest: DIGEST_B }))
      .then([uploaded({ version: '1.1.0', digest: DIGEST_B })]);
  });

  it('treats re-uploading the same bytes under the same version as a no-op', () => {
    spec(decider).given([uploaded()]).when(upload()).then([]);
  });

  it('refuses a recorded version with another digest: versions are immutable', () => {
    const err = spec(decider)
      .given([uploaded()])
      .when(upload({ digest: DIGEST_B }))
      .thenError('ALREADY_EXISTS', 'version');
    expect(err.message).toContain(DIGEST_A);
  });

  it.each([
    ['an upper-case name', { name: 'Web' }, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['a name ending in a dash', { name: 'web-' }, 'name'],
    ['a name longer than 63 characters', { name: 'a'.repeat(64) }, 'name'],
    ['an empty version', { version: '' }, 'version'],
    ['a version with a slash', { version: '1.0/evil' }, 'version'],
    ['a version starting with a dot', { version: '.1' }, 'version'],
  ] as const)('refuses %s, naming the field', (_label, over, field) => {
    spec(decider).given([]).when(upload(over)).thenError('INVALID_ARGUMENT', field);
  });

  it('evolves to the latest version and keeps every version', () => {
    const state = [uploaded(), uploaded({ version: '2.0.0', digest: DIGEST_B })].reduce(
      evolvePackage,
      initialPackageState(),
    );
    expect(state.name).toBe('web');
    expect(state.latest).toBe('2.0.0');
    expect([...state.versions.keys()]).toEqual(['1.0.0', '2.0.0']);
    expect(state.versions.get('1.0.0')?.digest).toBe(DIGEST_A);
  });

  describe('pinPackage', () => {
    const two = [uploaded(), uploaded({ version: '2.0.0', digest: DIGEST_B })].reduce(
      evolvePackage,
      initialPackageState(),
    );

    it('pins the latest upload when no version is asked for', () => {
      expect(pinPackage(two, 'web', null)).toEqual({
        name: 'web',
        version: '2.0.0',
        digest: DIGEST_B,
        format: 'image',
        imageRef: 'mammoth/web:1.0.0',
      });
    });

    it('pins the version asked for', () => {
      expect(pinPackage(two, 'web', '1.0.0')).toMatchObject({ version: '1.0.0', digest: DIGEST_A });
    });

    it('refuses a package never uploaded, naming the package field', () => {
      const err = pinPackage(initialPackageState(), 'web', null) as DomainError;
      expect(err).toBeInstanceOf(DomainError);
      expect([err.code, err.field]).toEqual(['NOT_FOUND', 'package']);
    });

    it('refuses an unknown version, naming the version field and the known ones', () => {
      const err = pinPackage(two, 'web', '3.0.0') as DomainError;
      expect([err.code, err.field]).toEqual(['NOT_FOUND', 'version']);
      expect(err.message).toContain('known: 1.0.0, 2.0.0');
    });
  });
});
