import { Command, Option } from 'commander';
import { AppQuery, rolloutProgress } from '@mammoth/api-client';
import { act, Io } from '../context';
import { CliError } from '../errors';
import { record } from '../output/render';
import { integer } from '../parse';
import { describeProgress, watchApp } from './watch';

/** rolloutCommand is `mammoth rollout`: where an app's rollout stands, and following it to the end. */
export function rolloutCommand(io: Io): Command {
  const rollout = new Command('rollout').description("Follow an app's rollout");
  rollout
    .command('status')
    .description("Show an app's rollout; with --watch, follow it with a progress bar until it is done")
    .argument('<app>', 'app name')
    .option('-w, --watch', 'follow until the rollout is done and every instance is healthy')
    .addOption(new Option('--timeout <seconds>', 'give up watching after this long').argParser(integer(1)).default(600))
    .action(
      act(io, async (ctx, cmd) => {
        const [name] = cmd.args;
        const opts = cmd.opts<{ watch?: boolean; timeout: number }>();
        if (opts.watch) {
          await watchApp(ctx, name, { timeoutSec: opts.timeout });
          return;
        }
        const { app } = await ctx.api.request(AppQuery, { name });
        if (!app) throw new CliError(`no app ${name}`);
        const p = rolloutProgress(app);
        ctx.print({ ...p, rollout: app.rollout }, () =>
          record([
            ['App', name],
            ['Phase', p.phase],
            ['From', app.rollout?.from ?? null],
            ['To', p.target],
            ['Ready', `${p.ready}/${p.desired}`],
            ['State', p.done ? 'done' : describeProgress(p)],
          ]),
        );
      }),
    );
  return rollout;
}
