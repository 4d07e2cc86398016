import { counter, histogram, sampledGauge } from '@mammoth/platform';

/** eventsAppended counts the events committed to the log by this process, by event type. */
export const eventsAppended = counter({
  name: 'mammoth_events_appended_total',
  help: 'Events committed to the event log by this process, by type.',
  labelNames: ['type'] as const,
});

/** relayPublished counts the events the outbox relay handed to Kafka. */
export const relayPublished = counter({
  name: 'mammoth_relay_published_events_total',
  help: 'Events the outbox relay published to Kafka.',
});

/** relayPublishSeconds times each of the relay's publish rounds (one batch, every topic it touches). */
export const relayPublishSeconds = histogram({
  name: 'mammoth_relay_publish_duration_seconds',
  help: 'How long one relay batch took to publish to Kafka.',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/** relayLag is the number of committed events not yet relayed (outbox rows), reported by the relay holding the lock. */
export const relayLag = sampledGauge({
  name: 'mammoth_relay_lag_events',
  help: 'Committed events not yet published to Kafka (outbox rows), as the active relay sees them.',
});
