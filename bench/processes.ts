import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** DIST is the built apps' folder (this file runs from dist/bench). */
const DIST = join(__dirname, '..', 'apps');

/** BenchProcess is one Mammoth app a benchmark starts from the build, its output in a log file. */
export class BenchProcess {
  private child: ChildProcess | null = null;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
    private readonly args: string[] = [],
    private readonly nodeArgs: string[] = [],
  ) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  start(): this {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [...this.nodeArgs, join(DIST, this.entry), ...this.args], {
      env: { ...process.env, HEALTH_PORT: '0', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    this.child.once('exit', (code, signal) => {
      if (!this.stopping)
        console.error(`${this.name} exited early (code ${code}, signal ${signal}); see ${this.logFile}`);
    });
    return this;
  }

  private stopping = false;

  /** stop sends SIGTERM and waits (SIGKILL after 20 s). */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    await exited;
    clearTimeout(timer);
  }

  /** usage reads the process's peak resident memory (VmHWM) and CPU seconds used so far from /proc. */
  usage(): { peakRssMiB: number; cpuSeconds: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const hwmKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    // /proc/<pid>/stat: fields after the command's closing parenthesis; utime and stime are the 12th and 13th of them.
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { peakRssMiB: Math.round(hwmKiB / 1024), cpuSeconds: +(ticks / 100).toFixed(1) };
  }
}
