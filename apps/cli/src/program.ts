import { Command, CommanderError, Option } from 'commander';
import { Io } from './context';
import { capacityCommand, whatifCommand } from './commands/capacity';
import { appCommand } from './commands/app';
import { completionCommand } from './commands/completion';
import { eventsCommand } from './commands/events';
import { nodeCommand } from './commands/node';
import { pkgCommand } from './commands/pkg';
import { rolloutCommand } from './commands/rollout';
import { statusCommand } from './commands/status';
import { describeError, EXIT, exitCodeOf } from './errors';
import { OUTPUT_FORMATS } from './output/render';

/** VERSION is the CLI's version, the project's. */
export const VERSION = '0.1.0';

/** buildProgram assembles the `mammoth` command tree, writing through `io` and throwing instead of exiting. */
export function buildProgram(io: Io): Command {
  const program = new Command('mammoth')
    .description(
      'Drive a Mammoth cluster. Finds it through --addr/--token, MAMMOTH_ADDR/MAMMOTH_TOKEN, or ~/.config/mammoth/config.yaml.',
    )
    .version(VERSION, '-V', 'output the version number')
    .option('--addr <url>', 'control plane URL (default: $MAMMOTH_ADDR, the config file, or http://127.0.0.1:8080)')
    .option('--token <token>', 'bearer token (default: $MAMMOTH_TOKEN or the config file)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
    })
    .showHelpAfterError('(run with --help for usage)');
  for (const cmd of [
    statusCommand(io),
    nodeCommand(io),
    pkgCommand(io),
    appCommand(io),
    rolloutCommand(io),
    eventsCommand(io),
    capacityCommand(io),
    whatifCommand(io),
  ])
    program.addCommand(cmd);
  program.addCommand(completionCommand(io, program));
  inheritSettings(program);
  return program;
}

/** inheritSettings gives every subcommand the root's exit override and output, as `.command()` would have. */
function inheritSettings(program: Command): void {
  const walk = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.copyInheritedSettings(cmd);
      walk(sub);
    }
  };
  walk(program);
}

/** run parses argv and runs the command, returning the exit code (0 ok, 1 error, 2 usage); it never exits itself. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof CommanderError)) io.err(`${describeError(err)}\n`);
    return exitCodeOf(err);
  }
}
