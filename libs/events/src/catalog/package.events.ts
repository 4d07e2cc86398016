import { z } from 'zod';
import { defineEvent } from './define';

/** PackageUploaded records a package version stored content-addressed in the package repository. */
export const PackageUploaded = defineEvent(
  'package',
  'PackageUploaded',
  z.object({
    name: z.string().min(1),
    version: z.string().min(1),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    format: z.enum(['image']),
    sizeBytes: z.number().int().positive(),
    imageRef: z.string().min(1),
  }),
);
