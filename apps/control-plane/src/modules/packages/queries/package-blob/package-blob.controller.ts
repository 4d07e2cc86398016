import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { DomainException } from '../../../../common/domain.exception';
import { BlobStore } from '../../blob-store';

/** PackageBlobController is the package repository's content-addressed download: GET /packages/blobs/:digest. */
@Controller('packages')
export class PackageBlobController {
  constructor(private readonly blobs: BlobStore) {}

  /** blob streams a stored package by digest. */
  @Get('blobs/:digest')
  @Requires('nodes:pull', (a) => String(a.digest))
  async blob(@Param('digest') digest: string, @Res() res: Response): Promise<void> {
    if (!this.blobs.isDigest(digest))
      throw new DomainException(DomainError.invalid('digest', `"${digest}" is not a sha256 digest`));
    const path = this.blobs.pathOf(digest);
    const st = await stat(path).catch(() => null);
    if (!st) throw new DomainException(new DomainError('NOT_FOUND', `digest: no package blob ${digest}`, 'digest'));
    res.setHeader('Content-Type', 'application/x-tar');
    res.setHeader('Content-Length', String(st.size));
    res.setHeader('Docker-Content-Digest', digest);
    createReadStream(path).pipe(res);
  }
}
