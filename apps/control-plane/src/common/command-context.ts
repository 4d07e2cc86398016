import { randomUUID } from 'node:crypto';
import { AppendContext } from '@mammoth/event-store';

/** newContext stamps a command with its correlation id, actor and time: the only place the clock is read. */
export function newContext(actor: string, correlationId: string = randomUUID()): AppendContext {
  return { correlationId, causationId: null, actor, timestamp: new Date().toISOString() };
}
