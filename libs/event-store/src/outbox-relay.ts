import { Alarm } from './alarm';
import { Client, ClientConfig } from 'pg';
import { OLTP_OPTIONS } from './pg';
import { categoryOfStream, EventBus, Topics, toWire, WireMessage } from '@mammoth/events';
import { relayLag, relayPublished, relayPublishSeconds } from './metrics';

/** RelayOptions tunes the outbox relay. */
export interface RelayOptions {
  batchSize?: number;
  idlePollMs?: number;
  maxBackoffMs?: number;
  log?: (msg: string) => void;
  /** onRound is called every time the relay loop goes round (its liveness). */
  onRound?: () => void;
}

/** MAX_PUBLISH_BYTES keeps one produce call, hence every partition's record batch, under Kafka's default message.max.bytes. */
const MAX_PUBLISH_BYTES = 900_000;

/** chunksUnder cuts messages, in order, into runs of at most maxBytes (key, value and headers); a larger message goes alone. */
export function chunksUnder(messages: WireMessage[], maxBytes: number): WireMessage[][] {
  const chunks: WireMessage[][] = [];
  let current: WireMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    let size = Buffer.byteLength(m.key) + Buffer.byteLength(m.value) + 64;
    for (const [k, v] of Object.entries(m.headers)) size += k.length + Buffer.byteLength(v);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const RELAY_LOCK_KEY = 7_424_801; // one active relay per database

/**
 * OutboxRelay publishes committed events to Kafka, keyed by stream id, and deletes each outbox row once Kafka acknowledged it.
 * Deleting what was published (instead of tracking a high-water position) means an event that commits after a later
 * position was already published is still found and sent: sequence gaps cannot lose events. A crash between publish
 * and delete re-sends a batch; consumers drop duplicates by stream version or event id.
 */
export class OutboxRelay {
  private client: Client | null = null;
  private stopped = false;
  private readonly alarm = new Alarm();
  private loop: Promise<void> | null = null;
  private untrack: (() => void) | null = null;
  private readonly batchSize: number;
  private readonly idlePollMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: (msg: string) => void;
  private readonly onRound: () => void;
  /** published counts events handed to Kafka since start (for benchmarks and health). */
  published = 0;

  constructor(
    private readonly pgConfig: ClientConfig,
    private readonly bus: EventBus,
    private readonly topics: Topics,
    opts: RelayOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 2000;
    this.idlePollMs = opts.idlePollMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5000;
    this.log = opts.log ?? (() => undefined);
    this.onRound = opts.onRound ?? (() => undefined);
  }

  start(): void {
    this.stopped = false;
    this.untrack ??= relayLag.track(() => this.lag());
    this.loop = this.run();
  }

  /** lag counts the outbox rows not yet published, read by the relay holding the lock (others report nothing). */
  private async lag(): Promise<{ labels: object; value: number }[]> {
    if (!this.client) return [];
    const r = await this.client.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    return [{ labels: {}, value: r.rows[0].n }];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.untrack?.();
    this.untrack = null;
    this.alarm.ring();
    await this.loop;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.stopped) {
      this.onRound();
      try {
        const client = await this.leaderConnection();
        if (!client) {
          await this.alarm.sleep(1000);
          continue;
        }
        const n = await this.relayBatch(client);
        backoff = 100;
        if (n < this.batchSize) await this.alarm.sleep(this.idlePollMs);
      } catch (err) {
        this.log(`relay: ${(err as Error).message}; retrying in ${backoff} ms`);
        if (this.client && !(await this.alive(this.client))) {
          await this.client.end().catch(() => undefined);
          this.client = null;
        }
        await this.alarm.sleep(backoff);
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
    }
  }

  /** leaderConnection returns a connection holding the relay lock, or null while another relay holds it. */
  private async leaderConnection(): Promise<Client | null> {
    if (this.client) return this.client;
    const client = new Client({ options: OLTP_OPTIONS, ...this.pgConfig });
    client.on('error', () => undefined);
    await client.connect();
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [RELAY_LOCK_KEY]);
    if (!r.rows[0].ok) {
      await client.end();
      return null;
    }
    client.on('notification', () => this.alarm.ring());
    await client.query('LISTEN mammoth_outbox');
    this.client = client;
    return client;
  }

  private async relayBatch(client: Client): Promise<number> {
    const r = await client.query(
      // The oldest outbox rows first, then one index lookup each (LIMIT 1 keeps the planner from turning it into a scan of the whole, ever-growing log).
      `SELECT e.position, e.stream_id, e.stream_version, e.type, e.schema_version, e.data, e.metadata
         FROM (SELECT position FROM outbox ORDER BY position LIMIT $1) o
         CROSS JOIN LATERAL (SELECT * FROM events WHERE position = o.position LIMIT 1) e
        ORDER BY o.position`,
      [this.batchSize],
    );
    if (r.rows.length === 0) return 0;
    const byTopic = new Map<string, WireMessage[]>();
    for (const row of r.rows) {
      const topic = this.topics.events(categoryOfStream(row.stream_id));
      const list = byTopic.get(topic) ?? [];
      // Passed through as stored: it was validated when appended, and every consumer validates and upcasts what it reads.
      list.push(
        toWire({
          streamId: row.stream_id,
          streamVersion: row.stream_version,
          position: String(row.position),
          event: { type: row.type, version: row.schema_version, data: row.data },
          metadata: row.metadata,
        }),
      );
      byTopic.set(topic, list);
    }
    // Each topic's messages go out in order, in chunks under the broker's record-batch limit (1 MB by default).
    const published = relayPublishSeconds.startTimer();
    await Promise.all(
      [...byTopic].map(async ([topic, messages]) => {
        for (const chunk of chunksUnder(messages, MAX_PUBLISH_BYTES)) await this.bus.publish(topic, chunk);
      }),
    );
    published();
    await client.query('DELETE FROM outbox WHERE position = ANY($1::bigint[])', [r.rows.map((x) => x.position)]);
    this.published += r.rows.length;
    relayPublished.inc(r.rows.length);
    return r.rows.length;
  }

  private async alive(client: Client): Promise<boolean> {
    try {
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
