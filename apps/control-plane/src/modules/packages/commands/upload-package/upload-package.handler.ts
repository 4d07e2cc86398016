import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decidePackage, DomainError, evolvePackage, initialPackageState } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { AggregateRepository, reducing } from '../../../../scheduling/aggregate-repository';
import { DomainException, orThrow } from '../../../../common/domain.exception';
import { BlobStore } from '../../blob-store';
import { inspectImageTarball, InvalidImageError } from './image-tarball';
import { UploadPackageCommand, UploadPackageResult } from './upload-package.command';

/** UploadPackageHandler validates the tarball, moves it into the blob store under its digest, and appends PackageUploaded. */
@CommandHandler(UploadPackageCommand)
export class UploadPackageHandler implements ICommandHandler<UploadPackageCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly blobs: BlobStore,
  ) {}

  async execute({ tempPath, name, version, ctx }: UploadPackageCommand): Promise<UploadPackageResult> {
    try {
      let facts;
      try {
        facts = await inspectImageTarball(tempPath);
      } catch (err) {
        if (err instanceof InvalidImageError) throw new DomainException(DomainError.invalid('file', err.message));
        throw err;
      }
      const [tagName, tagVersion] = splitTag(facts.repoTags[0]);
      const pkgName = name ?? tagName;
      const pkgVersion = version ?? tagVersion;
      if (!pkgName) throw new DomainException(DomainError.invalid('name', 'is required when the image has no tag'));
      if (!pkgVersion)
        throw new DomainException(DomainError.invalid('version', 'is required when the image has no tag'));
      const streamId = streamIds.package(pkgName);
      const result = await this.repo.retrying(async () => {
        const { state, version: v } = await this.repo.load(streamId, initialPackageState, reducing(evolvePackage));
        const events = orThrow(
          decidePackage(
            {
              type: 'UploadPackage',
              name: pkgName,
              version: pkgVersion,
              digest: facts.digest,
              format: 'image',
              sizeBytes: facts.sizeBytes,
              imageRef: facts.imageId,
            },
            state,
          ),
        );
        // The blob is in place before the event that points at it commits.
        await this.store(tempPath, facts.digest);
        await this.repo.append([{ streamId, expectedVersion: v, events: [...events] }], ctx);
        return events.length > 0;
      });
      return {
        name: pkgName,
        version: pkgVersion,
        digest: facts.digest,
        sizeBytes: facts.sizeBytes,
        imageRef: facts.imageId,
        created: result,
      };
    } finally {
      await rm(tempPath, { force: true });
    }
  }

  private async store(tempPath: string, digest: string): Promise<void> {
    const target = this.blobs.pathOf(digest);
    if (await stat(target).catch(() => null)) return;
    await mkdir(dirname(target), { recursive: true });
    await rename(tempPath, target);
  }
}

/** splitTag reads "name:version" (the last ':' after the last '/'), keeping only the final path part of the name. */
function splitTag(tag: string | undefined): [string | null, string | null] {
  if (!tag) return [null, null];
  const slash = tag.lastIndexOf('/');
  const colon = tag.lastIndexOf(':');
  if (colon <= slash) return [tag.slice(slash + 1), null];
  return [tag.slice(slash + 1, colon), tag.slice(colon + 1)];
}
