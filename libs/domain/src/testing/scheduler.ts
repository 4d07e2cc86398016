import { Resources } from '@mammoth/events';
import { NodeCandidate, PlacementRequest, WorkingNode } from '../scheduler/types';
import { workingNode } from '../scheduler/working';

/** candidate builds a ready 4-core, 4 GiB node with 100 ports and no instances, for scheduler specs. */
export function candidate(id: string, over: Partial<NodeCandidate> = {}): NodeCandidate {
  return {
    id,
    address: `host-${id}`,
    status: 'ready',
    capacity: { cpuMillis: 4000, memoryMiB: 4096, diskMiB: 1000 },
    allocated: { cpuMillis: 0, memoryMiB: 0, diskMiB: 0 },
    usedPorts: new Set(),
    portRange: { from: 20000, to: 20099 },
    labels: {},
    appCounts: new Map(),
    ...over,
  };
}

/** working wraps a candidate built from `over` for a plug-in spec. */
export function working(over: Partial<NodeCandidate> = {}, id = 'n1'): WorkingNode {
  return workingNode(candidate(id, over));
}

/** request builds a one-instance spread request for app `web`. */
export function request(over: Partial<PlacementRequest> = {}): PlacementRequest {
  const resources: Resources = { cpuMillis: 100, memoryMiB: 100, diskMiB: 0 };
  return { app: 'web', resources, count: 1, strategy: 'spread', ...over };
}
