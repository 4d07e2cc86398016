import { Command, Option } from 'commander';
import { ApiClient, AppQuery, DeployAppMutation, UpdateAppMutation, VariablesOf } from '@mammoth/api-client';
import { act, Io } from '../context';
import { CliError, UsageError } from '../errors';
import { constraint, ConstraintSpec, envVar, integer, positiveNumber } from '../parse';
import { afterChange, waitOptions } from './watch';

type DeployInput = VariablesOf<typeof DeployAppMutation>['input'];

/** DeployFlags are `app deploy`'s options, one per deployApp input field. */
export interface DeployFlags {
  package: string;
  version?: string;
  instances: number;
  cpus: number;
  memory: number;
  disk: number;
  env?: { name: string; value: string }[];
  strategy?: string;
  constraint?: ConstraintSpec[];
  healthHttp?: string;
  healthTcp?: boolean;
  healthCommand?: string;
  healthStatus?: number;
  healthInterval?: number;
  healthTimeout?: number;
  healthGrace?: number;
  healthUnhealthy?: number;
  healthHealthy?: number;
  maxRestarts?: number;
  restartWindow?: number;
}

/** deployInput builds deployApp's input from the flags; more than one health check kind is a usage error. */
export function deployInput(name: string, f: DeployFlags): DeployInput {
  const kinds = [f.healthHttp !== undefined, !!f.healthTcp, f.healthCommand !== undefined].filter(Boolean).length;
  if (kinds > 1) throw new UsageError('give at most one of --health-http, --health-tcp and --health-command');
  const timing = {
    expectedStatus: f.healthStatus,
    intervalMs: f.healthInterval,
    timeoutMs: f.healthTimeout,
    gracePeriodMs: f.healthGrace,
    unhealthyThreshold: f.healthUnhealthy,
    healthyThreshold: f.healthHealthy,
  };
  const healthCheck =
    f.healthHttp !== undefined
      ? { kind: 'HTTP' as const, path: f.healthHttp, ...timing }
      : f.healthTcp
        ? { kind: 'TCP' as const, ...timing }
        : f.healthCommand !== undefined
          ? { kind: 'COMMAND' as const, command: ['/bin/sh', '-c', f.healthCommand], ...timing }
          : undefined;
  if (!healthCheck && Object.values(timing).some((v) => v !== undefined))
    throw new UsageError('--health-* timings need a check: --health-http, --health-tcp or --health-command');
  return {
    name,
    package: f.package,
    version: f.version,
    instances: f.instances,
    cpus: f.cpus,
    memoryMiB: f.memory,
    diskMiB: f.disk,
    env: f.env,
    strategy: f.strategy,
    constraints: f.constraint,
    healthCheck,
    maxRestarts: f.maxRestarts,
    restartWindowMs: f.restartWindow,
  };
}

/** deployCommand is `mammoth app deploy NAME`, whose flags mirror deployApp's input. */
export function deployCommand(io: Io): Command {
  const cmd = new Command('deploy')
    .description('Deploy a package as an app (flags mirror the deployApp mutation)')
    .argument('<name>', 'app name')
    .requiredOption('-p, --package <name>', 'package name, as uploaded')
    .option('--version <version>', 'package version (default: the latest upload)')
    .addOption(new Option('-n, --instances <count>', 'instance count').argParser(integer(0)).default(1))
    .requiredOption('--cpus <cores>', 'CPU cores per instance, e.g. 0.25', positiveNumber)
    .requiredOption('--memory <MiB>', 'memory per instance in MiB', integer(0))
    .addOption(new Option('--disk <MiB>', 'disk per instance in MiB').argParser(integer(0)).default(0))
    .option('-e, --env <KEY=VALUE>', 'an environment variable (repeatable)', envVar)
    .addOption(new Option('--strategy <strategy>', 'placement strategy').choices(['spread', 'binpack']))
    .option(
      '-c, --constraint <expr>',
      'KEY=V, "KEY in A,B", "KEY not-in A,B", "KEY exists", unique, "max-per KEY[=N]" (repeatable)',
      constraint,
    )
    .option('--health-http <path>', 'health check: HTTP GET of this path')
    .option('--health-tcp', 'health check: TCP connect to the port')
    .option('--health-command <cmd>', 'health check: run this shell command in the container')
    .option('--health-status <code>', 'HTTP status a healthy instance answers (default 200)', integer(100))
    .option('--health-interval <ms>', 'milliseconds between checks', integer(1))
    .option('--health-timeout <ms>', 'milliseconds one check may take', integer(1))
    .option('--health-grace <ms>', 'milliseconds after start in which failures are ignored', integer(0))
    .option('--health-unhealthy <n>', 'failures in a row that make an instance unhealthy', integer(1))
    .option('--health-healthy <n>', 'successes in a row that make an instance healthy', integer(1))
    .option('--max-restarts <n>', 'in-place restarts within the window before rescheduling elsewhere', integer(0))
    .option('--restart-window <ms>', 'the window in which restarts are counted', integer(1));
  return waitOptions(cmd).action(
    act(io, async (ctx, c) => {
      const [name] = c.args;
      const input = deployInput(name, c.opts<DeployFlags>());
      const { deployApp } = await ctx.api.request(DeployAppMutation, { input });
      ctx.print(deployApp, () => {
        const pending = deployApp.pending.count
          ? `, ${deployApp.pending.count} pending: ${deployApp.pending.reasons.join('; ')}`
          : '';
        return `${deployApp.name} deployed: ${deployApp.package.name}:${deployApp.package.version} × ${deployApp.desired}${pending}\n`;
      });
      await afterChange(ctx, name, c.opts(), deployApp.desired);
    }),
  );
}

/** updateCommand is `mammoth app update NAME`: roll an app out to another version (updateApp). */
export function updateCommand(io: Io): Command {
  const cmd = new Command('update')
    .description('Roll an app out to another package version, optionally as a canary')
    .argument('<name>', 'app name')
    .requiredOption('--version <version>', 'the package version to roll out')
    .option('-p, --package <name>', 'package name (default: the one the app runs)')
    .addOption(
      new Option('--max-surge <n>', 'extra instances allowed during the rollout').argParser(integer(0)).default(1),
    )
    .addOption(new Option('--max-unavailable <n>', 'instances allowed below desired').argParser(integer(0)).default(0))
    .option('--canary <instances>', 'run this many new-version instances until promoted', integer(1))
    .option('--canary-weight <percent>', 'share of traffic the canary gets', integer(1));
  return waitOptions(cmd).action(
    act(io, async (ctx, c) => {
      const [name] = c.args;
      const o = c.opts<{
        version: string;
        package?: string;
        maxSurge: number;
        maxUnavailable: number;
        canary?: number;
        canaryWeight?: number;
      }>();
      if ((o.canary === undefined) !== (o.canaryWeight === undefined))
        throw new UsageError('--canary and --canary-weight go together');
      const pkg = o.package ?? (await currentPackage(ctx.api, name));
      const canary = o.canary !== undefined ? { instances: o.canary, weight: o.canaryWeight! } : undefined;
      const { updateApp } = await ctx.api.request(UpdateAppMutation, {
        input: {
          name,
          package: pkg,
          version: o.version,
          maxSurge: o.maxSurge,
          maxUnavailable: o.maxUnavailable,
          canary,
        },
      });
      ctx.print(
        updateApp,
        () =>
          `${updateApp.name} rolling out ${updateApp.rollout ? `${updateApp.rollout.from} → ${updateApp.rollout.to}` : o.version}\n`,
      );
      await afterChange(ctx, name, c.opts());
    }),
  );
}

async function currentPackage(api: ApiClient, name: string): Promise<string> {
  const { app } = await api.request(AppQuery, { name });
  if (!app) throw new CliError(`no app ${name}: deploy it first (mammoth app deploy)`);
  return app.package.name;
}
