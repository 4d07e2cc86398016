import { Resources } from '@mammoth/events';
import { NodeCandidate, WorkingNode } from './types';

/** workingNode wraps a snapshot node for one planning run; it costs one pass over the node's used ports. */
export function workingNode(node: NodeCandidate): WorkingNode {
  const { from, to } = node.portRange;
  let used = 0;
  for (const p of node.usedPorts) if (p >= from && p <= to) used++;
  return {
    node,
    allocated: {
      cpuMillis: node.allocated.cpuMillis,
      memoryMiB: node.allocated.memoryMiB,
      diskMiB: node.allocated.diskMiB,
    },
    freePorts: Math.max(0, to - from + 1 - used),
    nextPort: from,
    apps: node.appCounts,
    ownsApps: false,
  };
}

/** appCount is how many instances of `app` the node runs, live plus planned. */
export function appCount(n: WorkingNode, app: string): number {
  return n.apps.get(app) ?? 0;
}

/** lowestFreePort returns the lowest port of the range that nothing holds, or null; amortised O(1) since ports are only taken. */
export function lowestFreePort(n: WorkingNode): number | null {
  if (n.freePorts <= 0) return null;
  let p = n.nextPort;
  while (n.node.usedPorts.has(p)) p++;
  n.nextPort = p; // every port skipped is held by a live instance, so the search may resume here
  return p;
}

/** reserve records one instance of `app` with `resources` on the node and returns the port it gets; the node must have a free port. */
export function reserve(n: WorkingNode, app: string, resources: Resources): number {
  const port = lowestFreePort(n);
  if (port === null) throw new Error(`reserve on node ${n.node.id} without a free port`);
  n.nextPort = port + 1;
  n.freePorts--;
  n.allocated.cpuMillis += resources.cpuMillis;
  n.allocated.memoryMiB += resources.memoryMiB;
  n.allocated.diskMiB += resources.diskMiB;
  if (!n.ownsApps) {
    n.apps = new Map(n.apps);
    n.ownsApps = true;
  }
  (n.apps as Map<string, number>).set(app, appCount(n, app) + 1);
  return port;
}
