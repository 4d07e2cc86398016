import { STREAM_CATEGORIES, StreamCategory } from './catalog/define';

/** Topics names every Kafka topic of one Mammoth installation; the prefix isolates installations (and tests) on one broker. */
export class Topics {
  constructor(readonly prefix = 'mammoth') {}

  /** events is the topic that carries a stream category's events, keyed by stream id. */
  events(category: StreamCategory): string {
    return `${this.prefix}.events.${category}`;
  }

  /** allEvents lists every event topic. */
  allEvents(): string[] {
    return STREAM_CATEGORIES.map((c) => this.events(c));
  }

  /** heartbeats carries node heartbeats, which are not domain events and are not kept in the event store. */
  heartbeats(): string {
    return `${this.prefix}.heartbeats`;
  }
}
