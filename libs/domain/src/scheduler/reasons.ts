import { FilterPlugin, NodeCandidate, PlacementRequest, RejectionCount, WorkingNode } from './types';

/** countRejections counts, per filter reason, the nodes whose first failing filter it is (Nomad's "dimension exhausted"). */
export function countRejections(
  filters: readonly FilterPlugin[],
  req: PlacementRequest,
  working: readonly WorkingNode[],
): RejectionCount[] {
  if (working.length === 0) return [{ reason: 'no nodes registered', nodes: 0 }];
  const counts = new Map<string, number>();
  for (const n of working) {
    const failed = filters.find((f) => !f.fits(req, n));
    if (failed) counts.set(failed.reason, (counts.get(failed.reason) ?? 0) + 1);
  }
  return [...counts]
    .map(([reason, nodes]) => ({ reason, nodes }))
    .sort((a, b) => b.nodes - a.nodes || a.reason.localeCompare(b.reason));
}

/** formatReasons renders rejection counts the way an operator reads them: "3 nodes: memory exhausted; 1 node: node not ready". */
export function formatReasons(reasons: readonly RejectionCount[]): string {
  return reasons.map((r) => `${r.nodes} node${r.nodes === 1 ? '' : 's'}: ${r.reason}`).join('; ');
}

/** exceedsEveryNode names the dimensions in which the request is larger than every node's whole capacity (it can never fit). */
export function exceedsEveryNode(req: Pick<PlacementRequest, 'resources'>, nodes: readonly NodeCandidate[]): string[] {
  if (nodes.length === 0) return [];
  const dims: [keyof PlacementRequest['resources'], string, string][] = [
    ['cpuMillis', 'cpu', 'millicores'],
    ['memoryMiB', 'memory', 'MiB'],
    ['diskMiB', 'disk', 'MiB'],
  ];
  const out: string[] = [];
  for (const [dim, label, unit] of dims) {
    let largest = 0;
    for (const n of nodes) largest = Math.max(largest, n.capacity[dim]);
    if (req.resources[dim] > largest)
      out.push(`${label} ${req.resources[dim]} ${unit} exceeds the largest node's ${largest} ${unit}`);
  }
  return out;
}
