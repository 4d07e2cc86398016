import { Client, ClientConfig, Pool } from 'pg';
import { LogWatermark } from '@mammoth/event-store';
import { LoopBeats } from '@mammoth/platform';
import { LogProjection } from './log-projection';
import { LogProjectionRunner, storedPosition } from './log-runner';
import { ProjectorLog, REBUILD_CHANNEL, REBUILT_CHANNEL } from './projection';

/** LOOK_SILENCE_MS is how long the watermark may go without a look at the log before the projector counts as hung. */
const LOOK_SILENCE_MS = 120_000;

/** LogProjections runs every log projection of a projector process over one shared LogWatermark, reporting its looks to beats. */
export class LogProjections {
  readonly watermark: LogWatermark;
  readonly runners: LogProjectionRunner[];

  constructor(
    pg: ClientConfig,
    pool: Pool,
    projections: readonly LogProjection[],
    log: ProjectorLog,
    beats = new LoopBeats(),
  ) {
    this.watermark = new LogWatermark(pool, pg, {
      log: (m) => log.warn(m),
      onLook: () => beats.beat('log-watermark', LOOK_SILENCE_MS),
    });
    this.runners = projections.map((p) => new LogProjectionRunner(p, { pool, watermark: this.watermark, log }));
  }

  get names(): string[] {
    return this.runners.map((r) => r.name);
  }

  async start(): Promise<void> {
    if (this.runners.length === 0) return;
    await this.watermark.start();
    await Promise.all(this.runners.map((r) => r.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.watermark.stop();
  }

  /** rebuild rebuilds the named log projection; it says false when there is none of that name. */
  async rebuild(name: string): Promise<boolean> {
    const runner = this.runners.find((r) => r.name === name);
    if (!runner) return false;
    await runner.rebuild();
    return true;
  }
}

/**
 * requestLogRebuild is the `rebuild <name>` CLI for a log projection: it asks the running projectors to rebuild it, waits until
 * one has cleared it, then until its position has reached the end of the log as it was when the request was made.
 */
export async function requestLogRebuild(
  projection: LogProjection,
  pg: ClientConfig,
  print = (line: string) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const client = new Client(pg);
  client.on('error', () => undefined);
  await client.connect();
  try {
    const cleared = new Promise<void>((resolve) => {
      client.on('notification', (n) => {
        if (n.channel === REBUILT_CHANNEL && n.payload === projection.name) resolve();
      });
    });
    await client.query(`LISTEN ${REBUILT_CHANNEL}`);
    const end = BigInt(
      (await client.query<{ m: string }>('SELECT COALESCE(max(position), 0)::text AS m FROM events')).rows[0].m,
    );
    await client.query('SELECT pg_notify($1, $2)', [REBUILD_CHANNEL, projection.name]);
    print(`rebuild ${projection.name}: requested`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      cleared.finally(() => clearTimeout(timer)),
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(
            () =>
              reject(
                new Error(`no running projector cleared ${projection.name} within 30 s; is the projector running?`),
              ),
            30_000,
          )),
      ),
    ]);
    print(`rebuild ${projection.name}: cleared, replaying the log from position 0`);
    while ((await storedPosition(client, projection.name)) < end) await new Promise((r) => setTimeout(r, 200));
    print('done');
  } finally {
    await client.end().catch(() => undefined);
  }
}
