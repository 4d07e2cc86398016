import { Command } from '@nestjs/cqrs';
import { AppendContext } from '@mammoth/event-store';

/** UploadPackageResult is what the repository recorded. */
export interface UploadPackageResult {
  name: string;
  version: string;
  digest: string;
  sizeBytes: number;
  imageRef: string;
  created: boolean;
}

/** UploadPackageCommand stores an uploaded file content-addressed and records it as a package version. */
export class UploadPackageCommand extends Command<UploadPackageResult> {
  constructor(
    readonly tempPath: string,
    readonly name: string | null,
    readonly version: string | null,
    readonly ctx: AppendContext,
  ) {
    super();
  }
}
