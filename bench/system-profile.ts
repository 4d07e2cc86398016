import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Pool } from 'pg';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** NODE_PERF_ARGS make a Node process write /tmp/perf-<pid>.map, so perf can name its JIT-compiled JavaScript functions. */
export const NODE_PERF_ARGS = ['--perf-basic-prof-only-functions'];

/** Share is a part of the machine's CPU time: samples and their percentage of all samples taken, idle included. */
interface Share {
  readonly samples: number;
  readonly percent: number;
}

/** ProcessProfile is one process's CPU time split into kernel, V8/Node runtime, JavaScript by package, and top functions. */
export interface ProcessProfile extends Share {
  readonly buckets: Record<string, Share>;
  readonly topFunctions: { name: string; percent: number }[];
}

/** SystemProfileSummary is the machine's CPU time over the window, by process, with the named processes broken down. */
export interface SystemProfileSummary {
  readonly method: string;
  readonly seconds: number;
  readonly totalSamples: number;
  readonly idlePercent: number;
  readonly byProcess: Record<string, Share>;
  readonly processes: Record<string, ProcessProfile>;
}

/** perfWorks says whether `perf record -a` (every CPU) works here: it needs Debian's linux-perf and root. */
export function perfWorks(): boolean {
  try {
    execFileSync('perf', ['record', '-F', '99', '-a', '-o', '/dev/null', '--', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * SystemProfile records which code every CPU of the machine runs, with Linux perf sampling the software cpu-clock on all
 * CPUs: unlike V8's own profiler (wall-clock samples, so a process waiting for a core in a syscall looks busy there), it
 * counts only time on a CPU, and it sees every process, PostgreSQL, Kafka and the kernel included.
 */
export class SystemProfile {
  private child: ChildProcess | null = null;
  private started = 0;

  constructor(
    private readonly file: string,
    private readonly hz = 499,
  ) {}

  start(): void {
    this.child = spawn('perf', ['record', '-F', String(this.hz), '-a', '-o', this.file], { stdio: 'ignore' });
    this.started = Date.now();
  }

  /** stop ends the recording and summarises it; `named` maps Mammoth's process ids to names (others group by command). */
  async stop(named: Record<string, number>): Promise<SystemProfileSummary> {
    const child = this.child!;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    await exited;
    const seconds = (Date.now() - this.started) / 1000;
    const { stdout } = await run('perf', ['script', '-i', this.file, '-F', 'comm,pid,ip,sym,dso'], {
      maxBuffer: 1 << 30,
    });
    // The symbol maps have served; the processes keep writing to the unlinked files until they exit.
    for (const pid of Object.values(named)) rmSync(`/tmp/perf-${pid}.map`, { force: true });
    return summarise(stdout, named, seconds, this.hz);
  }
}

const SAMPLE = /^\s*(.+?)\s+(\d+)\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/;

/** summarise folds `perf script -F comm,pid,ip,sym,dso` lines into shares by process, bucket and function. */
export function summarise(
  script: string,
  named: Record<string, number>,
  seconds: number,
  hz: number,
): SystemProfileSummary {
  const nameOf = new Map(Object.entries(named).map(([name, pid]) => [pid, name]));
  const byProcess = new Map<string, number>();
  const perNamed = new Map<string, { total: number; buckets: Map<string, number>; fns: Map<string, number> }>();
  let total = 0;
  for (const line of script.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, comm, pidText, sym, dso] = m;
    total++;
    const name = nameOf.get(Number(pidText)) ?? groupOf(comm);
    byProcess.set(name, (byProcess.get(name) ?? 0) + 1);
    if (!nameOf.has(Number(pidText))) continue;
    const p = perNamed.get(name) ?? { total: 0, buckets: new Map(), fns: new Map() };
    perNamed.set(name, p);
    p.total++;
    const bucket = bucketOf(sym, dso);
    p.buckets.set(bucket, (p.buckets.get(bucket) ?? 0) + 1);
    const fn =
      sym === '[unknown]'
        ? `[unknown] (${dso.split('/').pop()})`
        : sym.replace(/^JS:[*~^+-]?/, '').replace(/\S*\/(dist|node_modules)\//, '$1/');
    p.fns.set(fn, (p.fns.get(fn) ?? 0) + 1);
  }
  const share = (n: number): Share => ({ samples: n, percent: total ? +((100 * n) / total).toFixed(1) : 0 });
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const processes: Record<string, ProcessProfile> = {};
  for (const [name, p] of perNamed) {
    processes[name] = {
      ...share(p.total),
      buckets: Object.fromEntries(
        sorted(p.buckets)
          .filter(([, n]) => n / total >= 0.002)
          .map(([b, n]) => [b, share(n)]),
      ),
      topFunctions: sorted(p.fns)
        .slice(0, 20)
        .map(([fn, n]) => ({ name: fn, percent: share(n).percent })),
    };
  }
  return {
    method: `perf record -F ${hz} -a (software cpu-clock, every CPU), node started with ${NODE_PERF_ARGS.join(' ')}; shares are of all CPU time of the machine over the window, idle included`,
    seconds: +seconds.toFixed(1),
    totalSamples: total,
    idlePercent: share(byProcess.get('idle') ?? 0).percent,
    byProcess: Object.fromEntries(
      sorted(byProcess)
        .filter(([, n]) => n / total >= 0.002)
        .map(([k, n]) => [k, share(n)]),
    ),
    processes,
  };
}

/** groupOf names a process that is not Mammoth's by what it is: PostgreSQL's backends, the Kafka JVM's threads, idle. */
function groupOf(comm: string): string {
  if (comm === 'swapper') return 'idle';
  if (comm.startsWith('postgres')) return 'postgres';
  if (
    comm === 'java' ||
    /kafka|data-plane|raft|ReplicaFetcher|ExpirationReape|ThrottledChannel|GC Thread|VM Thread/.test(comm)
  )
    return 'kafka (JVM)';
  return `other: ${comm}`;
}

/** bucketOf says which part of a Node process a sample ran in: the kernel, V8/Node/libc, or JavaScript by package or app. */
function bucketOf(sym: string, dso: string): string {
  if (dso.includes('kernel')) return 'kernel (syscalls, network, scheduler)';
  if (!sym.startsWith('JS:')) {
    if (/Scaveng|MarkCompact|Marking|Sweeper|Evacuat|MinorMC|Heap::|GCTracer|IncrementalMarking/.test(sym))
      return 'V8 garbage collector';
    if (/Json(Parser|Stringifier)|JsonParse|JsonStringify/.test(sym)) return 'V8 JSON parse/stringify';
    if (/^Builtins_/.test(sym) || dso.includes('perf-'))
      return 'V8 builtins, interpreter and stubs (includes JS not yet optimised)';
    return dso.endsWith('/node') || dso === 'node' ? 'V8/Node runtime, other' : `native: ${dso.split('/').pop()}`;
  }
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(sym);
  if (pkg) return `js: ${pkg[1]}`;
  const own = /dist\/((apps|libs)\/[^/]+)/.exec(sym);
  if (own) return `js: ${own[1]}`;
  return /node:/.test(sym) ? 'js: node core' : 'js: other';
}

/** SqlShare is one statement's share of the samples that found a backend of the database running a query. */
export interface SqlShare {
  readonly query: string;
  readonly percent: number;
}

/**
 * SqlSampler samples which statements PostgreSQL's backends are running for one database (pg_stat_activity, `everyMs`),
 * a statistical profile of where the database's time goes without pg_stat_statements (which would need a restart).
 */
export class SqlSampler {
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly db: Pool,
    private readonly database: string,
    private readonly everyMs = 50,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
  }

  /** stop ends sampling and returns the statements that took at least 0.5 % of the busy samples, most first. */
  stop(): SqlShare[] {
    if (this.timer) clearInterval(this.timer);
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .map(([query, n]) => ({ query, percent: +((100 * n) / Math.max(1, this.samples)).toFixed(1) }))
      .filter((s) => s.percent >= 0.5);
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.db.query<{ query: string }>(
        `SELECT query FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
        [this.database],
      );
      for (const { query } of rows) {
        const q = query.replace(/\s+/g, ' ').trim().slice(0, 140);
        this.counts.set(q, (this.counts.get(q) ?? 0) + 1);
        this.samples++;
      }
    } catch {
      // a sample lost to a busy moment changes nothing
    } finally {
      this.busy = false;
    }
  }
}
