import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { definitionOf, EventBus, fromWire, NodeEvent, streamIds, Subscription, Topics } from '@mammoth/events';
import { withCorrelation } from '@mammoth/platform';
import { StreamEvent } from '../desired-state';

const trace = new Logger('node-events');

/** NodeEventHandler takes one event of one node's stream. */
export type NodeEventHandler = (e: StreamEvent) => void;

/**
 * subscribeNodeStreams follows the node topic from now on with a consumer group of this process alone and hands each
 * event to the handler of its stream; messages of streams without a handler are skipped before they are parsed.
 * One subscription serves one node daemon or a whole fleet of hollow nodes.
 */
export function subscribeNodeStreams(
  bus: EventBus,
  topics: Topics,
  groupName: string,
  handlerOf: (streamId: string) => NodeEventHandler | undefined,
  log: (message: string) => void,
): Promise<Subscription> {
  return bus.subscribe({
    groupId: `node-daemon.${groupName}.${randomBytes(4).toString('hex')}`,
    topics: [topics.events('node')],
    fromBeginning: false,
    commitToKafka: false,
    eachBatch: async ({ messages }) => {
      for (const m of messages) {
        const handler = m.key === null ? undefined : handlerOf(m.key);
        if (!handler) continue;
        try {
          const recorded = fromWire(m.value);
          if (recorded.streamId !== m.key || definitionOf(recorded.event.type)?.category !== 'node') continue;
          withCorrelation(recorded.metadata.correlationId, () => {
            trace.debug(`${recorded.streamId} v${recorded.streamVersion}: ${recorded.event.type}`);
            handler({ streamVersion: recorded.streamVersion, event: recorded.event as NodeEvent });
          });
        } catch (err) {
          log(`skipping unreadable message at offset ${m.offset}: ${(err as Error).message}`);
        }
      }
    },
  });
}

/** subscribeNodeEvents follows the node topic for one node, handing over that node's events. */
export function subscribeNodeEvents(
  bus: EventBus,
  topics: Topics,
  nodeId: string,
  onEvent: NodeEventHandler,
  log: (message: string) => void,
): Promise<Subscription> {
  const streamId = streamIds.node(nodeId);
  return subscribeNodeStreams(bus, topics, nodeId, (id) => (id === streamId ? onEvent : undefined), log);
}
