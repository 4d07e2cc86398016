/**
 * event-store-append measures the event store's append throughput against the real PostgreSQL: W concurrent writers
 * append to their own streams, one command (one transaction) at a time, with B events per command.
 * Usage: node dist/bench/event-store-append.js [writers=16] [commands per writer=500] [events per command=1,10]
 */
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { Client } from 'pg';
import { runMigrations } from '../migrations/data-source';
import { createPool } from '@mammoth/event-store';
import { saveReport } from './report';

const ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function main(): Promise<void> {
  const writers = Number(process.argv[2] ?? 16);
  const commands = Number(process.argv[3] ?? 500);
  const batches = (process.argv[4] ?? '1,10').split(',').map(Number);
  const db = `mammoth_bench_${Date.now()}`;
  const url = ADMIN.replace(/\/[^/]*$/, `/${db}`);
  await runMigrations({ url });
  const pool = createPool({ connectionString: url, max: writers });
  const store = new PgEventStore(pool);
  const runs: Record<string, unknown>[] = [];
  try {
    for (const batch of batches) {
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const streamId = `app-bench-${batch}-${w}`;
          for (let c = 0; c < commands; c++) {
            const events = Array.from({ length: batch }, () =>
              makeEvent('AppScaled', { name: `bench-${w}`, from: c, to: c + 1 }),
            );
            await store.append([{ streamId, expectedVersion: c * batch, events }], {
              correlationId: randomUUID(),
              actor: 'bench',
              timestamp: new Date().toISOString(),
            });
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const total = writers * commands * batch;
      runs.push({
        eventsPerCommand: batch,
        writers,
        commands: writers * commands,
        events: total,
        seconds: +seconds.toFixed(2),
        eventsPerSecond: Math.round(total / seconds),
        commandsPerSecond: Math.round((writers * commands) / seconds),
      });
    }
  } finally {
    await pool.end();
    const admin = new Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
  }
  saveReport('event-store-append', {
    runs,
    note: 'each command is one transaction with an expected-version check and its outbox rows',
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
