import { Command, Option } from 'commander';
import { AppQuery, rolloutProgress, RolloutProgress } from '@mammoth/api-client';
import { CliContext } from '../context';
import { CliError } from '../errors';
import { integer } from '../parse';

/** WatchOptions bound a watch: give up after `timeoutSec`, look every `intervalMs`. */
export interface WatchOptions {
  readonly timeoutSec: number;
  readonly intervalMs?: number;
  /** justChanged: the app was just changed, so the registry read model may not show it (or its count) yet. */
  readonly justChanged?: boolean;
  /** desired is the instance count the change asked for; the watch is not done until the registry shows it. */
  readonly desired?: number;
}

/** describeProgress says in a few words where an app's rollout or scaling stands. */
export function describeProgress(p: RolloutProgress): string {
  const parts = [p.phase === 'steady' ? 'healthy' : `${p.phase} to ${p.target}`];
  if (p.waiting) parts.push(p.waiting);
  if (p.pending) parts.push(`${p.pending} pending`);
  return parts.join(', ');
}

/**
 * watchApp follows an app until no rollout is in progress and every desired instance is healthy, drawing progress;
 * it prints a summary, or throws a CliError naming what is missing at the timeout.
 */
export async function watchApp(ctx: CliContext, name: string, options: WatchOptions): Promise<RolloutProgress> {
  const started = ctx.io.now();
  const bar = ctx.progress(name);
  let target: string | null = null;
  try {
    for (;;) {
      const { app } = await ctx.api.request(AppQuery, { name });
      const seconds = ((ctx.io.now() - started) / 1000).toFixed(1);
      const late = ctx.io.now() - started >= options.timeoutSec * 1000;
      if (!app) {
        if (!options.justChanged || late) throw new CliError(`no app ${name}`);
        await sleep(options.intervalMs);
        continue;
      }
      const p = rolloutProgress(app);
      target = p.target ?? target;
      bar.update(p.ready, p.desired, describeProgress(p));
      const caughtUp = options.desired === undefined || app.desired === options.desired;
      if (p.done && caughtUp) {
        bar.stop();
        if (ctx.format === 'table')
          ctx.io.out(
            `${name}: ${p.ready}/${p.desired} healthy${target ? `, rolled out to ${target}` : ''} after ${seconds}s\n`,
          );
        else ctx.print(p, () => '');
        return p;
      }
      if (late) {
        const reasons = app.pending.reasons.length ? `; pending: ${app.pending.reasons.join('; ')}` : '';
        throw new CliError(
          `${name}: timed out after ${seconds}s at ${p.ready}/${p.desired} (${describeProgress(p)})${reasons}`,
        );
      }
      await sleep(options.intervalMs);
    }
  } finally {
    bar.stop();
  }
}

/** waitOptions are the flags of every app command that can wait for the app to settle. */
export function waitOptions(cmd: Command): Command {
  return cmd
    .option('-w, --wait', 'wait, showing progress, until the rollout is done and every instance is healthy')
    .addOption(new Option('--timeout <seconds>', 'give up waiting after this long').argParser(integer(1)).default(300));
}

/** afterChange waits for the app when --wait is given, until the registry shows the `desired` count the change set. */
export async function afterChange(
  ctx: CliContext,
  name: string,
  opts: { wait?: boolean; timeout: number },
  desired?: number,
): Promise<void> {
  if (opts.wait) await watchApp(ctx, name, { timeoutSec: opts.timeout, justChanged: true, desired });
}

function sleep(ms = 1000): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
