import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VERSION_HEADER } from './nginx-conf';

const run = promisify(execFile);

/** NginxOptions says which nginx to drive and where it lives and listens. */
export interface NginxOptions {
  bin: string;
  /** prefix is nginx's `-p` directory, owned by this companion. */
  prefix: string;
  host: string;
  port: number;
}

/** NginxError carries nginx's own words (for example what `nginx -t` rejected) and its exit code when it ran at all. */
export class NginxError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null = null,
  ) {
    super(message);
  }
}

/**
 * Nginx drives one nginx master of Debian's package under its own prefix: configuration in `conf/`, staged and tested in
 * `conf/next/`, logs and pid file in `logs/`, temp files in `tmp/`. The master is a daemon, so it keeps serving while the
 * companion restarts, and a companion that starts finds it again by its pid file.
 */
export class Nginx {
  readonly confDir: string;
  readonly stageDir: string;
  private readonly mainConf: string;
  private readonly errorLog: string;

  constructor(private readonly opts: NginxOptions) {
    this.confDir = join(opts.prefix, 'conf');
    this.stageDir = join(this.confDir, 'next');
    this.mainConf = join(this.confDir, 'nginx.conf');
    this.errorLog = join(opts.prefix, 'logs', 'error.log');
  }

  /** prepare creates the prefix's directories; temp directories are world-writable (sticky) so workers can use them whatever their user. */
  prepare(): void {
    for (const d of [this.stageDir, join(this.opts.prefix, 'logs')]) mkdirSync(d, { recursive: true });
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      const d = join(this.opts.prefix, 'tmp', t);
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o1777);
    }
  }

  /** hasConfig says whether a configuration was installed before (by this process or an earlier one). */
  hasConfig(): boolean {
    try {
      readFileSync(this.mainConf);
      return true;
    } catch {
      return false;
    }
  }

  /** stage writes a configuration's files to the staging directory and has nginx test them; it throws nginx's complaint. */
  async stage(files: Record<string, string>): Promise<void> {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(this.stageDir, name), content);
    await this.nginx(['-t', '-q', '-c', join(this.stageDir, 'nginx.conf')]);
  }

  /** install moves the staged files into place, each by an atomic rename, the main file last. */
  install(files: Record<string, string>): void {
    const names = Object.keys(files).sort((a, b) => (a === 'nginx.conf' ? 1 : b === 'nginx.conf' ? -1 : 0));
    for (const name of names) renameSync(join(this.stageDir, name), join(this.confDir, name));
  }

  /** put replaces one file of the installed configuration atomically. */
  put(name: string, content: string): void {
    writeFileSync(join(this.confDir, `${name}.tmp`), content);
    renameSync(join(this.confDir, `${name}.tmp`), join(this.confDir, name));
  }

  /** pid is the running master's pid, or null when no master of this prefix runs. */
  pid(): number | null {
    try {
      const pid = Number(readFileSync(join(this.opts.prefix, 'logs', 'nginx.pid'), 'utf8').trim());
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes('nginx') && cmdline.includes(this.opts.prefix) ? pid : null;
    } catch {
      return null;
    }
  }

  /** start starts the master with the installed configuration; nginx forks and returns once it listens. */
  async start(): Promise<void> {
    await this.nginx(['-c', this.mainConf]);
  }

  /**
   * reload makes the master re-read its configuration: new workers take new connections, old ones finish theirs (graceful,
   * up to worker_shutdown_timeout). It returns once every old worker has stopped accepting (its title reads "shutting down",
   * set just before it closes its listening sockets) or has gone, so from then on every new connection gets the new configuration.
   */
  async reload(): Promise<void> {
    const master = this.pid();
    const old = master === null ? [] : this.workers(master);
    await this.nginx(['-c', this.mainConf, '-s', 'reload']);
    const deadline = Date.now() + 10_000;
    while (old.some((w) => accepting(w)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  }

  /** workers lists the pids of a master's worker processes that still accept connections. */
  private workers(master: number): number[] {
    const out: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === master && accepting(Number(entry))) out.push(Number(entry));
      } catch {
        // the process ended while we looked
      }
    }
    return out;
  }

  /** quit stops the master gracefully and waits until it has gone. */
  async quit(): Promise<void> {
    const pid = this.pid();
    if (pid === null) return;
    await this.nginx(['-c', this.mainConf, '-s', 'quit']).catch(() => process.kill(pid, 'SIGQUIT'));
    for (let i = 0; i < 200 && this.pid() !== null; i++) await new Promise((r) => setTimeout(r, 50));
  }

  /** served asks nginx (over a new connection) which lb-config version it serves with, or null if it does not answer. */
  served(): Promise<number | null> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: this.opts.host,
          port: this.opts.port,
          path: '/',
          headers: { host: 'mammoth-companion-probe.invalid' },
          agent: false,
          timeout: 1000,
        },
        (res) => {
          res.resume();
          const v = Number(res.headers[VERSION_HEADER]);
          resolve(Number.isInteger(v) ? v : null);
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(null));
      req.end();
    });
  }

  /** waitServing polls until nginx serves `version` (a reload has taken effect), or throws after `timeoutMs`. */
  async waitServing(version: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.served()) === version) return;
      if (Date.now() > deadline)
        throw new NginxError(`nginx does not serve version ${version} ${timeoutMs} ms after the reload`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async nginx(args: string[]): Promise<void> {
    try {
      await run(this.opts.bin, ['-p', this.opts.prefix, '-e', this.errorLog, ...args], { timeout: 30_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string; code?: unknown };
      throw new NginxError(
        `nginx ${args.join(' ')}: ${(e.stderr || e.message).trim()}`,
        typeof e.code === 'number' ? e.code : null,
      );
    }
  }
}

/** accepting says whether a process is an nginx worker that has not begun its graceful shutdown. */
function accepting(pid: number): boolean {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return title.includes('worker process') && !title.includes('shutting down');
  } catch {
    return false;
  }
}
