import { Logger } from '@nestjs/common';
import { OnInvalid } from '@mammoth/event-store';

const REMEMBERED = 10_000;

/**
 * skipUnreadable is the OnInvalid of a loop's log reads, which are hints: an event this process cannot read (invalid,
 * or of a newer schema) is left out with a warning, once per event, and the loop goes on with the rest. Decisions are
 * made on the streams themselves, so the event's own stream is judged there.
 */
export function skipUnreadable(reader: string, log: Pick<Logger, 'warn'> = new Logger(reader)): OnInvalid {
  const warned = new Set<string>();
  return (head, err) => {
    if (warned.has(head.position)) return;
    if (warned.size >= REMEMBERED) warned.clear();
    warned.add(head.position);
    log.warn(
      `${reader}: left out the event at position ${head.position} (stream ${head.streamId} version ` +
        `${head.streamVersion}), which this control plane cannot read: ${err.message}`,
    );
  };
}
