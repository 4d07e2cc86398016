import { Body, Controller, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { FileInterceptor } from '@nestjs/platform-express';
import { DomainError } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { DomainException } from '../../../../common/domain.exception';
import { UploadPackageCommand, UploadPackageResult } from './upload-package.command';

/** UploadPackageController is the package repository's upload: a multipart POST /packages, run as an UploadPackageCommand. */
@Controller('packages')
export class UploadPackageController {
  constructor(private readonly commands: CommandBus) {}

  /** upload takes a multipart form with `file` (a docker save tarball) and optional `name` and `version` fields. */
  @Post()
  @Requires('packages:upload')
  @UseInterceptors(FileInterceptor('file'))
  async upload(
    @Caller() caller: Principal,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: { name?: string; version?: string },
  ): Promise<UploadPackageResult> {
    if (!file)
      throw new DomainException(
        DomainError.invalid('file', 'a multipart field named "file" with the package is required'),
      );
    return this.commands.execute(
      new UploadPackageCommand(file.path, body.name || null, body.version || null, newContext(caller.subject)),
    );
  }
}
