import { randomUUID } from 'node:crypto';
import { AppendContext } from '@mammoth/event-store';
import { correlationId as current, withCorrelation } from '@mammoth/platform';

/**
 * newContext stamps a command with its correlation id (by default the one of the request being handled, so its events
 * and its log lines share it), actor and time: the only place the clock is read.
 */
export function newContext(actor: string, correlationId: string = current() ?? randomUUID()): AppendContext {
  return { correlationId, causationId: null, actor, timestamp: new Date().toISOString() };
}

/** inCommandContext runs a command a background loop issues with a new context, every line it logs carrying its correlation id. */
export function inCommandContext<T>(actor: string, run: (ctx: AppendContext) => Promise<T>): Promise<T> {
  const ctx = newContext(actor, randomUUID());
  return withCorrelation(ctx.correlationId, () => run(ctx));
}
