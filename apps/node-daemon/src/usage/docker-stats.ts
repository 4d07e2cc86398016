/** ContainerUsage is one container's use since it started: CPU seconds, memory in use, network bytes in and out. */
export interface ContainerUsage {
  readonly cpuSeconds: number;
  readonly memoryBytes: number;
  readonly rxBytes: number;
  readonly txBytes: number;
}

/** DockerStats is the part of Docker's stats API answer (GET /containers/{id}/stats?stream=false) that usageOf reads. */
export interface DockerStats {
  readonly cpu_stats?: { readonly cpu_usage?: { readonly total_usage?: number } };
  readonly memory_stats?: {
    readonly usage?: number;
    readonly stats?: Readonly<Record<string, number | undefined>>;
  };
  readonly networks?: Readonly<Record<string, { readonly rx_bytes?: number; readonly tx_bytes?: number }>>;
}

/**
 * usageOf reads a container's use from Docker's stats: memory is usage less the inactive page cache (cgroup v2's
 * inactive_file, v1's total_inactive_file), as `docker stats` shows it; network sums every interface.
 */
export function usageOf(s: DockerStats): ContainerUsage {
  const mem = s.memory_stats ?? {};
  const cache = mem.stats?.inactive_file ?? mem.stats?.total_inactive_file ?? 0;
  const nets = Object.values(s.networks ?? {});
  return {
    cpuSeconds: (s.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9,
    memoryBytes: Math.max(0, (mem.usage ?? 0) - cache),
    rxBytes: nets.reduce((sum, n) => sum + (n.rx_bytes ?? 0), 0),
    txBytes: nets.reduce((sum, n) => sum + (n.tx_bytes ?? 0), 0),
  };
}
