import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Outcome is one request's fate: a status and the version its body named, or a failure that never got an answer. */
export interface Outcome {
  readonly ok: boolean;
  readonly version: string | null;
  readonly detail: string;
}

/** WrkLoadOptions says where the load goes and how: `rate` requests per second over `connections`, `host` as Host header. */
export interface WrkLoadOptions {
  readonly port: number;
  readonly host: string;
  readonly rate: number;
  /** versionPattern is a Lua pattern whose first capture in a body is the version that answered. */
  readonly versionPattern: string;
  /** outFile receives one line per answer; it is truncated first. */
  readonly outFile: string;
  readonly connections?: number;
  /** path is what every request asks for ('/' unless given). */
  readonly path?: string;
}

/** WrkSummary is what wrk counted itself: requests sent and those that got no answer, by cause. */
interface WrkSummary {
  requests: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
  p99LatencyUs: number;
}

const SCRIPT = join(__dirname, 'steady.lua');

/**
 * WrkLoad runs Debian's wrk against 127.0.0.1 at a steady rate until stopped, each request on a new connection
 * (`Connection: close`, so a request never races nginx closing an idle keep-alive connection on reload: every error is a
 * real one). Answers are read back as they arrive (`outcomes`); what wrk counts as unanswered (connect, read and write
 * errors, timeouts) is known once it stops, and each of those is a failure.
 */
export class WrkLoad {
  private readonly answers: Outcome[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private fd: number | null;
  private rest = '';
  private readonly buf = Buffer.alloc(64 * 1024);
  private stdout = '';
  private summary: WrkSummary | null = null;

  constructor(private readonly opts: WrkLoadOptions) {
    const connections = opts.connections ?? 4;
    writeFileSync(opts.outFile, '');
    this.fd = openSync(opts.outFile, 'r');
    const pauseMs = Math.max(1, Math.round((connections * 1000) / opts.rate));
    this.child = spawn(
      'wrk',
      [
        '-t1',
        `-c${connections}`,
        '-d3600s',
        '--timeout',
        '5s',
        '-H',
        `Host: ${opts.host}`,
        '-H',
        'Connection: close',
        '-s',
        SCRIPT,
        `http://127.0.0.1:${opts.port}${opts.path ?? '/'}`,
        '--',
        opts.outFile,
        String(pauseMs),
        opts.versionPattern,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout!.setEncoding('utf8').on('data', (c: string) => (this.stdout += c));
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stdout += c));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', (err) => {
        this.stdout += `cannot run wrk: ${err.message}`;
        resolve();
      });
    });
  }

  /** outcomes is every answer so far, in arrival order, then (once stopped) one failure per request wrk counted unanswered. */
  get outcomes(): Outcome[] {
    this.readAnswers();
    return this.answers;
  }

  get failures(): Outcome[] {
    return this.outcomes.filter((o) => !o.ok);
  }

  /** recent is the last `n` successful answers. */
  recent(n: number): Outcome[] {
    return this.outcomes.filter((o) => o.ok).slice(-n);
  }

  /** stop ends wrk with SIGINT (it then prints its counts), adds its unanswered requests as failures, and returns every outcome. */
  async stop(): Promise<Outcome[]> {
    if (this.summary) return this.answers;
    this.child.kill('SIGINT');
    await this.exited;
    this.readAnswers();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    const line = this.stdout.split('\n').find((l) => l.startsWith('{"requests"'));
    if (!line)
      throw new Error(
        `wrk printed no summary (exit ${this.child.exitCode}, signal ${this.child.signalCode}): ${this.stdout}`,
      );
    this.summary = JSON.parse(line) as WrkSummary;
    for (const cause of ['connect', 'read', 'write', 'timeout'] as const) {
      for (let i = 0; i < this.summary[cause]; i++)
        this.answers.push({ ok: false, version: null, detail: `wrk: ${cause} error` });
    }
    return this.answers;
  }

  private readAnswers(): void {
    if (this.fd === null) return;
    for (let n; (n = readSync(this.fd, this.buf, 0, this.buf.length, null)) > 0;)
      this.rest += this.buf.toString('utf8', 0, n);
    const lines = this.rest.split('\n');
    this.rest = lines.pop()!;
    for (const line of lines) {
      const [status, version, upstream] = line.split(' ');
      const code = Number(status);
      const ok = code >= 200 && code < 300;
      this.answers.push({
        ok,
        version: version === '-' ? null : version,
        detail: ok ? '' : `status ${code} from ${upstream}`,
      });
    }
  }
}
