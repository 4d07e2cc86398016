import seedrandom from 'seedrandom';
import { ControlPlaneConfig } from '../infra/config';

/** Random is a source of numbers in [0, 1): node order, instance shuffles, jitter. */
export type Random = () => number;

/** RANDOM is the injection token of the process's one Random. */
export const RANDOM = Symbol('Random');

/** seededRandom makes the process's one Random from its scheduler seed (SCHEDULER_SEED pins it, e.g. in tests). */
export function seededRandom(config: Pick<ControlPlaneConfig, 'schedulerSeed'>): Random {
  return seedrandom(config.schedulerSeed);
}
