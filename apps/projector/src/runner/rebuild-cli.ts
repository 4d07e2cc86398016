import { Client, ClientConfig } from 'pg';
import { parkedStreams, readAllKafkaHolds, streamsBehind } from './catch-up';
import { Projection, REBUILD_CHANNEL, rebuildPayload, RebuildSource, REBUILT_CHANNEL } from './projection';

/** RebuildCliOptions bound how long the CLI waits for a projector to answer and for the replay to finish. */
export interface RebuildCliOptions {
  /** pg is the database to ask; the catch-up check scans every stream of the projection, so it may want no statement timeout. */
  pg: ClientConfig;
  /** from is where the rebuild replays from (default: Kafka). */
  from?: RebuildSource;
  answerTimeoutMs?: number;
  catchUpTimeoutMs?: number;
  pollMs?: number;
  print?: (line: string) => void;
  /** topicEnds reads the end offsets of the projection's topics; with it the CLI tells when Kafka lost history. */
  topicEnds?: () => Promise<ReadonlyMap<string, bigint>>;
}

/** EXHAUSTED_POLLS is how many polls in a row must find Kafka read to its end, streams still behind, before the CLI says so. */
const EXHAUSTED_POLLS = 3;

/**
 * requestRebuild asks the running projectors (NOTIFY REBUILD_CHANNEL) to rebuild a projection, waits until one of them has cleared
 * it (its REBUILT_CHANNEL notification), then polls until every stream the projection reads is applied up to the event store's
 * version. It fails, saying to rebuild `--from store`, when streams stay held back behind parked events, or (given topicEnds)
 * when the projection has read all Kafka holds and streams are still behind: Kafka lost their history.
 */
export async function requestRebuild(projection: Projection, opts: RebuildCliOptions): Promise<void> {
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const client = new Client(opts.pg);
  client.on('error', () => undefined);
  await client.connect();
  try {
    const cleared = new Promise<void>((resolve) => {
      client.on('notification', (n) => {
        if (n.channel === REBUILT_CHANNEL && n.payload === projection.name) resolve();
      });
    });
    await client.query(`LISTEN ${REBUILT_CHANNEL}`);
    const from = opts.from ?? 'kafka';
    await client.query('SELECT pg_notify($1, $2)', [REBUILD_CHANNEL, rebuildPayload(projection.name, from)]);
    print(`rebuild ${projection.name}: requested`);
    const answerMs = opts.answerTimeoutMs ?? 30_000;
    await withTimeout(
      cleared,
      answerMs,
      `no running projector cleared ${projection.name} within ${answerMs} ms; is the projector running?`,
    );
    print(
      `rebuild ${projection.name}: cleared, replaying ${from === 'store' ? 'the event store, then Kafka' : 'from offset zero'}`,
    );
    const deadline = Date.now() + (opts.catchUpTimeoutMs ?? 30 * 60_000);
    for (let exhausted = 0; ;) {
      const behind = await streamsBehind(client, projection);
      if (behind === 0) {
        const parked = await parkedStreams(client, projection);
        if (parked.length === 0) break;
        throw new Error(
          `rebuild ${projection.name}: ${parked.length} stream(s) held back by parked events, first ${parked[0].streamId}: ${parked[0].error}`,
        );
      }
      const topicEnds = opts.topicEnds;
      const holds = topicEnds && (await readAllKafkaHolds(client, projection, topicEnds).catch(() => false));
      exhausted = holds ? exhausted + 1 : 0; // Kafka not answering tells nothing: keep waiting
      if (exhausted >= EXHAUSTED_POLLS)
        throw new Error(
          `rebuild ${projection.name}: read all Kafka holds, yet ${behind} stream(s) are behind the event store: ` +
            `Kafka lost their history; run \`rebuild ${projection.name} --from store\``,
        );
      if (Date.now() > deadline)
        throw new Error(`rebuild ${projection.name}: still ${behind} stream(s) behind at the deadline`);
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
    print('done');
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]);
}
