import { NodeDaemonConfig } from '../config';

/** simNodeConfig is hollow node i of the fleet: its own id, hostname, shape (cycled) and labels rack=r<i % racks>, zone=z<i % zones>. */
export function simNodeConfig(base: NodeDaemonConfig, i: number): NodeDaemonConfig {
  const { idPrefix, racks, zones, shapes } = base.sim;
  const shape = shapes[i % shapes.length];
  const nodeId = `${idPrefix}-${i}`;
  return {
    ...base,
    nodeId,
    hostname: nodeId,
    cpus: shape.cpus,
    memoryMiB: shape.memoryMiB,
    diskMiB: shape.diskMiB,
    labels: { ...base.labels, rack: `r${i % racks}`, zone: `z${i % zones}` },
  };
}

/** simNodeConfigs lists every hollow node of the fleet the config describes, in index order. */
export function simNodeConfigs(base: NodeDaemonConfig): NodeDaemonConfig[] {
  return Array.from({ length: base.count }, (_, i) => simNodeConfig(base, i));
}
