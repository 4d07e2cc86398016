import { z } from 'zod';

/** schedulerSeedConfig is the schema of SCHEDULER_SEED, the seed of the scheduler's random node order (default: pid and start time). */
export const schedulerSeedConfig = z
  .object({ SCHEDULER_SEED: z.string().min(1).optional() })
  .transform((e) => e.SCHEDULER_SEED ?? `${process.pid}-${Date.now()}`);
