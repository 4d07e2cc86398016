/**
 * event-store-append measures the event store's durable append throughput against the real PostgreSQL (synchronous_commit
 * as the server has it): W concurrent writers append to their own streams, one command at a time, B events per command.
 * Each configuration runs three ways in the same database, one after the other: `legacy` (the path before group commit,
 * bench/legacy-append.ts: one transaction of five round trips per command), `alone` (the store with group commit off:
 * one statement, hence one transaction, per command) and `group` (the store as shipped: concurrent commands share a
 * statement). It reports events/s, each command's p50/p99 latency, the ratio group/legacy, the mean batch size and the
 * CPU spent per event by this process (node) and by its PostgreSQL backends.
 * Usage: node dist/bench/event-store-append.js [configs=1x1,16x1,16x10,64x1,256x1,64x10,256x10] [commands per config=8000]
 * (WxB: W writers, B events per command; a writer makes at most 1,000 commands)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { makeEvent } from '@mammoth/events';
import { AppendContext, createPool, PgEventStore, StreamWrite } from '@mammoth/event-store';
import { Client, Pool } from 'pg';
import { runMigrations } from '../migrations/data-source';
import { legacyAppend } from './legacy-append';
import { percentile, saveReport } from './report';

const ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** POOL caps the connections (the server is shared; 256 writers queue for them on the per-command paths). */
const POOL = 24;
const MODES = ['legacy', 'alone', 'group'] as const;
type Mode = (typeof MODES)[number];

interface Run {
  mode: Mode;
  writers: number;
  eventsPerCommand: number;
  commands: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanBatch?: number;
  nodeCpuUsPerEvent: number;
  pgCpuUsPerEvent: number;
}

async function main(): Promise<void> {
  const configs = (process.argv[2] ?? '1x1,16x1,16x10,64x1,256x1,64x10,256x10')
    .split(',')
    .map((c) => c.split('x').map(Number));
  const total = Number(process.argv[3] ?? 8000);
  const db = `mammoth_bench_${Date.now()}`;
  const url = ADMIN.replace(/\/[^/]*$/, `/${db}`);
  await runMigrations({ url });
  const pool = createPool({ connectionString: url, max: POOL, idleTimeoutMillis: 0 });
  const stores = {
    alone: new PgEventStore(pool, { groupCommit: { maxCommands: 1, maxInFlight: POOL } }),
    group: new PgEventStore(pool),
  };
  const runs: Run[] = [];
  try {
    await Promise.all(Array.from({ length: POOL }, () => pool.query('SELECT 1')));
    for (const [writers, batch] of configs) {
      for (const mode of MODES) {
        const append =
          mode === 'legacy'
            ? (w: StreamWrite[], ctx: AppendContext) => legacyAppend(pool, w, ctx)
            : (w: StreamWrite[], ctx: AppendContext) => stores[mode].append(w, ctx);
        const before = mode === 'group' ? stores.group.commitStats : null;
        const run = await measure(pool, db, mode, writers, batch, Math.min(1000, Math.ceil(total / writers)), append);
        if (before) {
          const after = stores.group.commitStats;
          run.meanBatch = +((after.commands - before.commands) / (after.batches - before.batches)).toFixed(1);
        }
        runs.push(run);
        console.log(JSON.stringify(run));
      }
    }
  } finally {
    await pool.end();
    const admin = new Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
  }
  const ratios = configs.map(([writers, batch]) => {
    const rate = (mode: Mode) =>
      runs.find((r) => r.mode === mode && r.writers === writers && r.eventsPerCommand === batch)!.eventsPerSecond;
    return {
      writers,
      eventsPerCommand: batch,
      groupOverLegacy: +(rate('group') / rate('legacy')).toFixed(2),
      groupOverAlone: +(rate('group') / rate('alone')).toFixed(2),
    };
  });
  saveReport('event-store-append', {
    runs,
    ratios,
    note:
      'legacy: one transaction of 5 round trips per command (the path before group commit); alone: the store with group ' +
      'commit off, one single-statement transaction per command; group: concurrent commands share one statement and one ' +
      `fsync. Pool of ${POOL} connections. pgCpu counts this database's backends only (not the WAL writer).`,
  });
}

/** measure runs one configuration: every writer appends `commands` commands of `batch` events to its own stream. */
async function measure(
  pool: Pool,
  db: string,
  mode: Mode,
  writers: number,
  batch: number,
  commands: number,
  append: (writes: StreamWrite[], ctx: AppendContext) => Promise<unknown>,
): Promise<Run> {
  const pgBefore = await backendCpuUs(pool, db);
  const nodeBefore = process.cpuUsage();
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const streamId = `app-${mode}-${writers}x${batch}-${w}`;
      for (let c = 0; c < commands; c++) {
        const events = Array.from({ length: batch }, () =>
          makeEvent('AppScaled', { name: `bench-${w}`, from: c, to: c + 1 }),
        );
        const sent = process.hrtime.bigint();
        await append([{ streamId, expectedVersion: c * batch, events }], {
          correlationId: randomUUID(),
          actor: 'bench',
          timestamp: new Date().toISOString(),
        });
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const node = process.cpuUsage(nodeBefore);
  const pg = (await backendCpuUs(pool, db)) - pgBefore;
  const events = writers * commands * batch;
  return {
    mode,
    writers,
    eventsPerCommand: batch,
    commands: writers * commands,
    seconds: +seconds.toFixed(2),
    eventsPerSecond: Math.round(events / seconds),
    p50Ms: +percentile(latencies, 50).toFixed(2),
    p99Ms: +percentile(latencies, 99).toFixed(2),
    nodeCpuUsPerEvent: Math.round((node.user + node.system) / events),
    pgCpuUsPerEvent: Math.round(pg / events),
  };
}

/** backendCpuUs sums the CPU time (user + system) of the database's server processes, from /proc. */
async function backendCpuUs(pool: Pool, db: string): Promise<number> {
  const r = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db]);
  const tick = 1e6 / 100; // USER_HZ
  let us = 0;
  for (const { pid } of r.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      us += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // the backend ended between the two reads
    }
  }
  return us;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
