import type { Command } from 'commander';
import { ApiClient } from '@mammoth/api-client';
import { resolveConfig } from './config';
import { OutputFormat, serialize } from './output/render';
import { createProgress, Progress } from './progress';

/** Io is the CLI's outside world: where results and notes go, the environment and the clock. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  now(): number;
  /** errStream is stderr when it is a stream a progress bar can draw on. */
  readonly errStream?: NodeJS.WriteStream;
  /** webSocketImpl is the WebSocket class graphql-ws uses (Node 20 has none built in). */
  readonly webSocketImpl?: unknown;
}

/** GlobalOptions are the options every command takes. */
export interface GlobalOptions {
  addr?: string;
  token?: string;
  output: OutputFormat;
}

/** CliContext is what a command runs with: the API client for the chosen cluster and the output format. */
export class CliContext {
  private client: ApiClient | null = null;

  constructor(
    readonly io: Io,
    readonly options: GlobalOptions,
  ) {}

  /** api is the client for the cluster the flags, environment or config file name. */
  get api(): ApiClient {
    if (!this.client) this.client = new ApiClient(resolveConfig(this.options, this.io.env));
    return this.client;
  }

  get format(): OutputFormat {
    return this.options.output;
  }

  /** print writes `data` as JSON or YAML, or the table `render` draws. */
  print(data: unknown, render: () => string): void {
    this.io.out(this.format === 'table' ? render() : serialize(data, this.format));
  }

  /** note writes a message for the person at the terminal to stderr. */
  note(text: string): void {
    this.io.err(`${text}\n`);
  }

  progress(title: string, unit?: (n: number) => string): Progress {
    return createProgress(this.io, title, unit);
  }
}

/** act turns a command body into a commander action, giving it a CliContext built from the global options. */
export function act(
  io: Io,
  body: (ctx: CliContext, cmd: Command) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    await body(new CliContext(io, cmd.optsWithGlobals<GlobalOptions>()), cmd);
  };
}
