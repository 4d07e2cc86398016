import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Body, Controller, Get, Param, Post, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { FileInterceptor } from '@nestjs/platform-express';
import { Response } from 'express';
import { DomainError } from '@mammoth/domain';
import { newContext } from '../../../../common/command-context';
import { DomainException } from '../../../../common/domain.exception';
import { BlobStore } from '../../blob-store';
import { UploadPackageCommand, UploadPackageResult } from './upload-package.command';

/** PackagesController is the package repository's HTTP face: multipart upload and content-addressed download. */
@Controller('packages')
export class PackagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly blobs: BlobStore,
  ) {}

  /** upload takes a multipart form with `file` (a docker save tarball) and optional `name` and `version` fields. */
  @Post()
  @UseInterceptors(FileInterceptor('file'))
  async upload(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: { name?: string; version?: string },
  ): Promise<UploadPackageResult> {
    if (!file)
      throw new DomainException(
        DomainError.invalid('file', 'a multipart field named "file" with the package is required'),
      );
    return this.commands.execute(
      new UploadPackageCommand(file.path, body.name || null, body.version || null, newContext('api')),
    );
  }

  /** blob streams a stored package by digest. */
  @Get('blobs/:digest')
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
