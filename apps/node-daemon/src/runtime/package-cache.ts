import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** BlobSource streams a package blob by digest; the control plane's /packages/blobs endpoint is the real one. */
export interface BlobSource {
  openBlob(digest: string): Promise<Readable>;
}

const DIGEST = /^sha256:([0-9a-f]{64})$/;

/** PackageCache keeps verified package blobs on local disk by digest, downloading each at most once at a time. */
export class PackageCache {
  private readonly downloads = new Map<string, Promise<string>>();

  constructor(
    private readonly dir: string,
    private readonly source: BlobSource,
  ) {}

  /** path returns the local file of a blob whose sha256 has been checked against its digest, downloading it if needed. */
  path(digest: string): Promise<string> {
    const hex = DIGEST.exec(digest)?.[1];
    if (!hex) return Promise.reject(new Error(`"${digest}" is not a sha256 digest`));
    const file = join(this.dir, `${hex}.tar`);
    let download = this.downloads.get(digest);
    if (!download) {
      download = this.fetchOnce(digest, hex, file).finally(() => this.downloads.delete(digest));
      this.downloads.set(digest, download);
    }
    return download;
  }

  private async fetchOnce(digest: string, hex: string, file: string): Promise<string> {
    if (
      await access(file).then(
        () => true,
        () => false,
      )
    )
      return file;
    await mkdir(this.dir, { recursive: true });
    const part = `${file}.${randomBytes(4).toString('hex')}.part`;
    const hash = createHash('sha256');
    try {
      await pipeline(
        await this.source.openBlob(digest),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(part),
      );
      const got = hash.digest('hex');
      if (got !== hex) throw new Error(`blob ${digest} downloaded with sha256:${got}`);
      await rename(part, file);
      return file;
    } finally {
      await rm(part, { force: true });
    }
  }
}
