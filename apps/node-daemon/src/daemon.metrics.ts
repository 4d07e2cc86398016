import { counter, gauge, histogram } from '@mammoth/platform';

/** dockerCallSeconds times every Docker API call the daemon makes, by call and outcome (ok, error, timeout). */
export const dockerCallSeconds = histogram({
  name: 'mammoth_docker_call_duration_seconds',
  help: 'Docker API calls made by the node daemon, by call and outcome.',
  labelNames: ['call', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

/** reconcileSeconds times each reconcile pass: one listing and handing every instance to its worker. */
export const reconcileSeconds = histogram({
  name: 'mammoth_reconcile_duration_seconds',
  help: "Reconcile passes of the node daemon (list the node's containers, update each instance's worker).",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

/** reconcileErrors counts what went wrong while reconciling: a listing that failed, an instance that failed to start or sync. */
export const reconcileErrors = counter({
  name: 'mammoth_reconcile_errors_total',
  help: 'Reconcile failures of the node daemon, by stage (list, start, sync).',
  labelNames: ['stage'] as const,
});

const INSTANCE = ['node', 'app', 'instance_id'] as const;

/** instanceCpu is each running instance's CPU time since its container started, from Docker's stats API. */
export const instanceCpu = counter({
  name: 'mammoth_instance_cpu_seconds_total',
  help: "CPU seconds an instance's container used since it started (Docker stats).",
  labelNames: INSTANCE,
});

/** instanceMemory is each running instance's memory in use (less the page cache, as docker stats shows it). */
export const instanceMemory = gauge({
  name: 'mammoth_instance_memory_bytes',
  help: "Memory an instance's container uses, less its inactive page cache (Docker stats).",
  labelNames: INSTANCE,
});

/** instanceNetwork is each running instance's network traffic since it started, by direction (rx, tx). */
export const instanceNetwork = counter({
  name: 'mammoth_instance_network_bytes_total',
  help: "Bytes an instance's container received (rx) or sent (tx) since it started (Docker stats).",
  labelNames: [...INSTANCE, 'direction'] as const,
});

/** nodeCpuPercent is the node's instances' CPU use over the last sampling interval, in percent of one core. */
export const nodeCpuPercent = gauge({
  name: 'mammoth_node_instances_cpu_percent',
  help: "CPU the node's instances used over the last sampling interval, in percent of one core.",
  labelNames: ['node'] as const,
});

/** nodeMemory is the memory the node's instances use, summed. */
export const nodeMemory = gauge({
  name: 'mammoth_node_instances_memory_bytes',
  help: "Memory the node's instances use, summed (Docker stats).",
  labelNames: ['node'] as const,
});

/** nodeInstances is how many running instances the node sampled. */
export const nodeInstances = gauge({
  name: 'mammoth_node_instances_running',
  help: 'Running instances whose use the node sampled.',
  labelNames: ['node'] as const,
});
