import { Resources } from '@mammoth/events';

/** ZERO is the empty resource vector. */
export const ZERO: Resources = { cpuMillis: 0, memoryMiB: 0, diskMiB: 0 };

/** add sums two resource vectors. */
export function add(a: Resources, b: Resources): Resources {
  return { cpuMillis: a.cpuMillis + b.cpuMillis, memoryMiB: a.memoryMiB + b.memoryMiB, diskMiB: a.diskMiB + b.diskMiB };
}

/** sub subtracts b from a. */
export function sub(a: Resources, b: Resources): Resources {
  return { cpuMillis: a.cpuMillis - b.cpuMillis, memoryMiB: a.memoryMiB - b.memoryMiB, diskMiB: a.diskMiB - b.diskMiB };
}
