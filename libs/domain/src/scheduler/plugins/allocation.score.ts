import { Resources } from '@mammoth/events';
import { ScorePlugin } from '../types';

/** utilisationAfter is the mean share of cpu and memory that would be allocated after adding the request. */
export function utilisationAfter(requested: Resources, allocated: Resources, capacity: Resources): number {
  const cpu = capacity.cpuMillis > 0 ? (allocated.cpuMillis + requested.cpuMillis) / capacity.cpuMillis : 1;
  const mem = capacity.memoryMiB > 0 ? (allocated.memoryMiB + requested.memoryMiB) / capacity.memoryMiB : 1;
  return (cpu + mem) / 2;
}

/** leastAllocatedScore prefers emptier nodes (spread). */
export const leastAllocated = {
  name: 'least-allocated',
  score: (req, n) => 1 - utilisationAfter(req.resources, n.allocated, n.node.capacity),
} satisfies ScorePlugin;

/** mostAllocatedScore prefers fuller nodes (bin-pack), leaving whole machines free. */
export const mostAllocated = {
  name: 'most-allocated',
  score: (req, n) => utilisationAfter(req.resources, n.allocated, n.node.capacity),
} satisfies ScorePlugin;
