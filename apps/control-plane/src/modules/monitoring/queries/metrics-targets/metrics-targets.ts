import { MetricsEndpoint, NodeRow } from '@mammoth/read-models';

/** Target is one address Prometheus scrapes, with its job and labels. */
export interface Target {
  readonly job: string;
  readonly address: string;
  readonly labels: { key: string; value: string }[];
}

/**
 * metricsTargets lists the processes to scrape: each announced endpoint under its process's job, and each node daemon
 * address (a ready node's address and metrics port) once, labelled with its node when it serves one node, or with how
 * many when it serves a fleet of hollow nodes.
 */
export function metricsTargets(endpoints: readonly MetricsEndpoint[], nodes: readonly NodeRow[]): Target[] {
  const daemons = new Map<string, string[]>();
  for (const n of nodes) {
    if (n.status !== 'ready' || n.metrics_port === null) continue;
    const address = `${n.address}:${n.metrics_port}`;
    daemons.set(address, [...(daemons.get(address) ?? []), n.node_id]);
  }
  return [
    ...endpoints.map((e) => ({ job: e.process, address: e.address, labels: [] })),
    ...[...daemons].map(([address, ids]) => ({
      job: 'node-daemon',
      address,
      labels: ids.length === 1 ? [{ key: 'node', value: ids[0] }] : [{ key: 'nodes', value: String(ids.length) }],
    })),
  ];
}
