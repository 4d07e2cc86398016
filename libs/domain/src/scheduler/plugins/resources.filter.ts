import { FilterPlugin } from '../types';

/** fitsDimension says whether `requested` more of one dimension fits beside what is allocated. */
export function fitsDimension(requested: number, allocated: number, capacity: number): boolean {
  return allocated + requested <= capacity;
}

// Each dimension is spelled out rather than indexed by a key: a keyed load here was the placement loop's hottest spot.

/** cpuFilter rejects nodes without room for the request's cpu (Nomad's "dimension exhausted"). */
export const cpuFilter = {
  name: 'cpu-fit',
  reason: 'cpu exhausted',
  fits: (req, n) => fitsDimension(req.resources.cpuMillis, n.allocated.cpuMillis, n.node.capacity.cpuMillis),
} satisfies FilterPlugin;

/** memoryFilter rejects nodes without room for the request's memory. */
export const memoryFilter = {
  name: 'memory-fit',
  reason: 'memory exhausted',
  fits: (req, n) => fitsDimension(req.resources.memoryMiB, n.allocated.memoryMiB, n.node.capacity.memoryMiB),
} satisfies FilterPlugin;

/** diskFilter rejects nodes without room for the request's disk. */
export const diskFilter = {
  name: 'disk-fit',
  reason: 'disk exhausted',
  fits: (req, n) => fitsDimension(req.resources.diskMiB, n.allocated.diskMiB, n.node.capacity.diskMiB),
} satisfies FilterPlugin;
