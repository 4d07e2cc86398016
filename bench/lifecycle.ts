import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { BENCH_AUTH } from './auth';

/** waitFor polls `fn` every `everyMs` until it returns a value other than null (a throw counts as null), or fails at the deadline. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** dropBenchState drops a benchmark's own database and deletes its Kafka topics (those of its topic prefix). */
export async function dropBenchState(
  adminUrl: string,
  brokers: string[],
  dbName: string,
  prefix: string,
): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
  const kafka = new Kafka({ clientId: 'bench-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await kafka.connect();
  const topics = (await kafka.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
  if (topics.length) await kafka.deleteTopics({ topics });
  await kafka.disconnect();
}

/** uploadHollowPackage builds the test image (no registry) and uploads it to the control plane at `url` as hollow 1. */
export async function uploadHollowPackage(url: string, root: string): Promise<void> {
  const tar = join(root, '.run', 'images', 'bench_hollow.tar');
  mkdirSync(join(root, '.run', 'images'), { recursive: true });
  await promisify(execFile)('bash', [
    join(root, 'scripts', 'images', 'build-test-image.sh'),
    'mammoth-bench/hollow:1',
    tar,
  ]);
  const form = new FormData();
  form.set('file', new Blob([readFileSync(tar)]), 'package.tar');
  form.set('name', 'hollow');
  form.set('version', '1');
  const up = await fetch(`${url}/packages`, { method: 'POST', body: form, headers: BENCH_AUTH });
  if (up.status !== 201) throw new Error(`package upload answered HTTP ${up.status}: ${await up.text()}`);
}

/** CleanUps holds what a benchmark started, undone once, newest first, on the way out (also when it is interrupted). */
export class CleanUps {
  private readonly undos: (() => Promise<void>)[] = [];
  private running: Promise<void> | null = null;

  push(...undos: (() => Promise<void>)[]): void {
    this.undos.push(...undos);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const undo of this.undos.reverse())
        await undo().catch((err: Error) => console.error(`cleanup: ${err.message}`));
    })();
    return this.running;
  }
}

/** runBench runs a benchmark's main, undoing its clean-ups on SIGINT or SIGTERM (exit 130), and exits 1 when it fails. */
export function runBench(main: () => Promise<void>, cleanUps: CleanUps): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanUps.run().finally(() => process.exit(130)));
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
