import { Command } from 'commander';
import {
  AppQuery,
  AppsQuery,
  PromoteAppMutation,
  RemoveAppMutation,
  RollbackAppMutation,
  ScaleAppMutation,
} from '@mammoth/api-client';
import { act, CliContext, Io } from '../context';
import { CliError } from '../errors';
import { mib } from '../output/format';
import { record, table } from '../output/render';
import { integer } from '../parse';
import { deployCommand, updateCommand } from './app-deploy';
import { afterChange, waitOptions } from './watch';

/** appCommand is `mammoth app`: deploy, inspect, scale, roll and remove apps. */
export function appCommand(io: Io): Command {
  const app = new Command('app').description('Deploy, inspect, scale, roll back and remove apps');
  app
    .command('ls')
    .description('List apps')
    .action(
      act(io, async (ctx) => {
        const { apps } = await ctx.api.request(AppsQuery);
        ctx.print(apps, () =>
          table(apps, [
            { header: 'name', cell: (a) => a.name },
            { header: 'package', cell: (a) => `${a.package.name}:${a.package.version}` },
            { header: 'desired', cell: (a) => a.desired },
            { header: 'running', cell: (a) => a.running },
            { header: 'healthy', cell: (a) => a.healthy },
            { header: 'pending', cell: (a) => a.pending.count },
            { header: 'rollout', cell: (a) => a.rollout && `${a.rollout.phase} ${a.rollout.from}→${a.rollout.to}` },
          ]),
        );
      }),
    );
  app
    .command('status')
    .description('Show one app: its shape, rollout, pending reasons and instances')
    .argument('<name>', 'app name')
    .action(act(io, async (ctx, cmd) => showApp(ctx, cmd.args[0])));
  app.addCommand(deployCommand(io));
  app.addCommand(updateCommand(io));
  waitOptions(
    app
      .command('scale')
      .description('Change how many instances an app runs')
      .argument('<name>', 'app name')
      .argument('<instances>', 'desired instance count', integer(0)),
  ).action(
    act(io, async (ctx, cmd) => {
      const [name, instances] = cmd.processedArgs as [string, number];
      const { scaleApp } = await ctx.api.request(ScaleAppMutation, { name, instances });
      ctx.print(scaleApp, () => `${scaleApp.name} scaled to ${scaleApp.desired}\n`);
      await afterChange(ctx, name, cmd.opts(), scaleApp.desired);
    }),
  );
  waitOptions(
    app.command('rollback').description('Roll an app back to the version it ran before').argument('<name>', 'app name'),
  ).action(
    act(io, async (ctx, cmd) => {
      const { rollbackApp } = await ctx.api.request(RollbackAppMutation, { name: cmd.args[0] });
      ctx.print(
        rollbackApp,
        () => `${rollbackApp.name} rolling back to ${rollbackApp.rollout?.to ?? 'its previous version'}\n`,
      );
      await afterChange(ctx, cmd.args[0], cmd.opts());
    }),
  );
  waitOptions(
    app.command('promote').description("Promote an app's canary to every instance").argument('<name>', 'app name'),
  ).action(
    act(io, async (ctx, cmd) => {
      const { promoteApp } = await ctx.api.request(PromoteAppMutation, { name: cmd.args[0] });
      ctx.print(promoteApp, () => `${promoteApp.name} canary promoted\n`);
      await afterChange(ctx, cmd.args[0], cmd.opts());
    }),
  );
  app
    .command('rm')
    .description('Remove an app and stop its instances')
    .argument('<name>', 'app name')
    .action(
      act(io, async (ctx, cmd) => {
        const { removeApp } = await ctx.api.request(RemoveAppMutation, { name: cmd.args[0] });
        ctx.print({ name: cmd.args[0], removed: removeApp }, () => `${cmd.args[0]} removed\n`);
      }),
    );
  return app;
}

async function showApp(ctx: CliContext, name: string): Promise<void> {
  const { app } = await ctx.api.request(AppQuery, { name });
  if (!app) throw new CliError(`no app ${name} (mammoth app ls lists them)`);
  ctx.print(app, () => {
    const r = app.rollout;
    const hc = app.healthCheck;
    const head = record([
      ['Name', app.name],
      ['Package', `${app.package.name}:${app.package.version}`],
      ['Instances', `${app.desired} desired, ${app.running} running, ${app.healthy} healthy`],
      ['Resources', `${app.cpus} cpus, ${mib(app.memoryMiB)} memory, ${mib(app.diskMiB)} disk each`],
      ['Strategy', app.strategy],
      ['Health check', hc && `${hc.kind} ${hc.path ?? hc.command?.join(' ') ?? ''} every ${hc.intervalMs} ms`.trim()],
      ['Rollout', r && `${r.phase} ${r.from} → ${r.to}${r.canaryWeight != null ? ` (${r.canaryWeight}% canary)` : ''}`],
      ['Pending', app.pending.count ? `${app.pending.count}: ${app.pending.reasons.join('; ')}` : 0],
    ]);
    const rows = table(app.instances, [
      { header: 'instance', cell: (i) => i.id },
      { header: 'node', cell: (i) => i.nodeId },
      { header: 'address', cell: (i) => (i.host && i.port ? `${i.host}:${i.port}` : null) },
      { header: 'state', cell: (i) => i.state },
      { header: 'health', cell: (i) => i.health },
      { header: 'restarts', cell: (i) => i.restarts },
      { header: 'message', cell: (i) => i.healthMessage },
    ]);
    return `${head}\nInstances:\n${rows}`;
  });
}
