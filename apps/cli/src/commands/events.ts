import { Command, Option } from 'commander';
import WebSocket from 'ws';
import { EventFilter, EventItem, EventsQuery, followEvents, liveClient } from '@mammoth/api-client';
import { act, CliContext, Io } from '../context';
import { clip } from '../output/format';
import { serialize } from '../output/render';
import { collect, integer } from '../parse';

/** formatEvent renders one event as a log line: position, time, type, stream, actor and its data. */
export function formatEvent(e: EventItem, width = 160): string {
  const time = e.metadata.timestamp.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  const head = `${e.position.padStart(6)}  ${time}  ${e.type.padEnd(22)}  ${e.streamId.padEnd(24)}  ${e.metadata.actor.padEnd(8)}`;
  return `${head}  ${clip(JSON.stringify(e.data), Math.max(20, width - head.length - 2))}`;
}

function emit(ctx: CliContext, e: EventItem): void {
  if (ctx.format === 'json') ctx.io.out(`${JSON.stringify(e)}\n`);
  else if (ctx.format === 'yaml') ctx.io.out(`---\n${serialize(e, 'yaml')}`);
  else ctx.io.out(`${formatEvent(e)}\n`);
}

/**
 * eventsCommand is `mammoth events`: the log, oldest first, optionally filtered; with --follow it then streams new
 * events over graphql-ws and, after a dropped connection, resumes after the last position it printed.
 */
export function eventsCommand(io: Io): Command {
  return new Command('events')
    .description('Print the event log (the audit trail); --follow streams new events as they commit')
    .option('--app <name>', 'only events of this app')
    .option('--node <id>', 'only events of this node')
    .option('--type <type>', 'only events of this type (repeatable)', collect)
    .option('--after <position>', 'start after this log position', '0')
    .addOption(
      new Option('--limit <n>', 'at most this many events (without --follow)').argParser(integer(1)).default(100),
    )
    .option('-f, --follow', 'keep streaming new events until interrupted')
    .action(
      act(io, async (ctx, cmd) => {
        const o = cmd.opts<{
          app?: string;
          node?: string;
          type?: string[];
          after: string;
          limit: number;
          follow?: boolean;
        }>();
        const filter: EventFilter = { app: o.app, node: o.node, types: o.type };
        if (!o.follow) {
          const { events } = await ctx.api.request(EventsQuery, { after: o.after, limit: o.limit, filter });
          if (ctx.format === 'table') for (const e of events) emit(ctx, e);
          else ctx.print(events, () => '');
          return;
        }
        await followLog(ctx, o.after, filter);
      }),
    );
}

async function followLog(ctx: CliContext, after: string, filter: EventFilter): Promise<void> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const client = liveClient(ctx.api, { webSocketImpl: ctx.io.webSocketImpl ?? WebSocket });
  let last = after;
  let dropped = false;
  try {
    await followEvents(client, filter, {
      after,
      signal: stop.signal,
      onItem: (e) => {
        dropped = false;
        last = e.position;
        emit(ctx, e);
      },
      onStatus: (status, err) => {
        if (status !== 'reconnecting' || dropped) return;
        dropped = true;
        ctx.note(`connection lost (${describe(err)}); reconnecting to resume after position ${last}`);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await client.dispose();
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  const code = (err as { code?: number; reason?: string } | undefined)?.code;
  return code !== undefined ? `socket closed with ${code}` : 'stream ended';
}
