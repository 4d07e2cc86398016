import { makeEvent, PackageEvent, PackageRef } from '@mammoth/events';
import { Decision, DomainError, exhaustive } from '../shared/errors';
import { checkName, firstError } from '../shared/validation';

/** PackageVersion is one uploaded, content-addressed version of a package. */
export interface PackageVersion {
  readonly version: string;
  readonly digest: string;
  readonly format: 'image';
  readonly sizeBytes: number;
  readonly imageRef: string;
}

/** PackageState is the fold of a package stream: every version uploaded so far. */
export interface PackageState {
  readonly name: string | null;
  readonly versions: ReadonlyMap<string, PackageVersion>;
  readonly latest: string | null;
}

/** UploadPackage records a validated, stored package file under a name and version. */
export interface UploadPackage {
  readonly type: 'UploadPackage';
  readonly name: string;
  readonly version: string;
  readonly digest: string;
  readonly format: 'image';
  readonly sizeBytes: number;
  readonly imageRef: string;
}

export type PackageCommand = UploadPackage;

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

export const initialPackageState = (): PackageState => ({ name: null, versions: new Map(), latest: null });

/** evolvePackage folds one package event into the state. */
export function evolvePackage(state: PackageState, event: PackageEvent): PackageState {
  switch (event.type) {
    case 'PackageUploaded': {
      const versions = new Map(state.versions);
      const { version, digest, format, sizeBytes, imageRef } = event.data;
      versions.set(version, { version, digest, format, sizeBytes, imageRef });
      return { name: event.data.name, versions, latest: version };
    }
    default:
      return exhaustive(event.type);
  }
}

/** decidePackage validates an upload: a version is immutable once recorded, and re-uploading the same bytes is a no-op. */
export function decidePackage(cmd: PackageCommand, state: PackageState): Decision<PackageEvent> {
  const invalid = firstError(
    checkName('name', cmd.name),
    VERSION.test(cmd.version)
      ? null
      : DomainError.invalid('version', `"${cmd.version}" must be 1-128 letters, digits, '.', '_', '+' or '-'`),
  );
  if (invalid) return invalid;
  const existing = state.versions.get(cmd.version);
  if (existing) {
    if (existing.digest === cmd.digest) return [];
    return new DomainError(
      'ALREADY_EXISTS',
      `version: package ${cmd.name} version ${cmd.version} already exists with digest ${existing.digest}; versions are immutable, upload a new version`,
      'version',
    );
  }
  return [
    makeEvent('PackageUploaded', {
      name: cmd.name,
      version: cmd.version,
      digest: cmd.digest,
      format: cmd.format,
      sizeBytes: cmd.sizeBytes,
      imageRef: cmd.imageRef,
    }),
  ];
}

/** pinPackage pins a package's version (its latest upload when null) to a PackageRef, or fails naming the field at fault. */
export function pinPackage(state: PackageState, name: string, version: string | null): PackageRef | DomainError {
  if (state.versions.size === 0)
    return new DomainError('NOT_FOUND', `package: no package named ${name}; upload it first`, 'package');
  const v = version ?? state.latest!;
  const found = state.versions.get(v);
  if (!found) {
    const known = [...state.versions.keys()].join(', ');
    return new DomainError('NOT_FOUND', `version: package ${name} has no version ${v} (known: ${known})`, 'version');
  }
  return { name, version: v, digest: found.digest, format: found.format, imageRef: found.imageRef };
}
