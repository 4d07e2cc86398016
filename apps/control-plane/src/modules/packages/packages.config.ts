import { join } from 'node:path';
import { z } from 'zod';
import { int } from '@mammoth/platform';

/** PackagesConfig is where the package repository keeps its blobs and how large an upload may be. */
export interface PackagesConfig {
  readonly dataDir: string;
  readonly maxPackageBytes: number;
}

/** packagesConfig is the schema of MAMMOTH_DATA_DIR (.run/control-plane) and MAX_PACKAGE_BYTES (2 GiB). */
export const packagesConfig = z
  .object({
    MAMMOTH_DATA_DIR: z.string().min(1).optional(),
    MAX_PACKAGE_BYTES: int(1).default(2 * 1024 * 1024 * 1024),
  })
  .transform((e): PackagesConfig => ({
    dataDir: e.MAMMOTH_DATA_DIR ?? join(process.cwd(), '.run', 'control-plane'),
    maxPackageBytes: e.MAX_PACKAGE_BYTES,
  }));
