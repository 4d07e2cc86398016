import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';

const DIGEST = /^sha256:([0-9a-f]{64})$/;

/** BlobStore lays package files out content-addressed: <dataDir>/blobs/sha256/<hex>. */
@Injectable()
export class BlobStore {
  constructor(@Inject(CONFIG) private readonly config: ControlPlaneConfig) {}

  /** pathOf returns the file of a digest; it throws on anything that is not a sha256 digest (no path tricks). */
  pathOf(digest: string): string {
    const m = DIGEST.exec(digest);
    if (!m) throw new Error(`not a sha256 digest: ${digest}`);
    return join(this.config.packages.dataDir, 'blobs', 'sha256', m[1]);
  }

  /** uploadDir is where uploads land before they are validated. */
  uploadDir(): string {
    return join(this.config.packages.dataDir, 'uploads');
  }

  isDigest(s: string): boolean {
    return DIGEST.test(s);
  }
}
