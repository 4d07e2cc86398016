import { counter, sampledGauge } from '@mammoth/platform';

/** heartbeatsReceived counts the heartbeat messages this control plane read, and the malformed ones it skipped. */
export const heartbeatsReceived = counter({
  name: 'mammoth_heartbeats_received_total',
  help: 'Heartbeat messages read by this control plane (result: ok or invalid).',
  labelNames: ['result'] as const,
});

/** heartbeatAge is, per node, the seconds since the active failure detector last heard it. */
export const heartbeatAge = sampledGauge({
  name: 'mammoth_node_heartbeat_age_seconds',
  help: 'Seconds since the active failure detector last received a heartbeat from the node.',
  labelNames: ['node'] as const,
});
