import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { BlobStore } from './blob-store';
import { UploadPackageController } from './commands/upload-package/upload-package.controller';
import { UploadPackageHandler } from './commands/upload-package/upload-package.handler';
import { PackageBlobController } from './queries/package-blob/package-blob.controller';
import { PackagesResolver } from './queries/packages/packages.resolver';

/** PackagesModule is the package repository: upload and download over HTTP, the blob store, and the packages query. */
@Module({
  imports: [
    MulterModule.registerAsync({
      inject: [CONFIG],
      useFactory: (c: ControlPlaneConfig) => {
        const dest = join(c.packages.dataDir, 'uploads');
        mkdirSync(dest, { recursive: true });
        return { dest, limits: { fileSize: c.packages.maxPackageBytes, files: 1 } };
      },
    }),
  ],
  controllers: [UploadPackageController, PackageBlobController],
  providers: [BlobStore, UploadPackageHandler, PackagesResolver],
})
export class PackagesModule {}
