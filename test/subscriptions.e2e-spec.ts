import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import pLimit from 'p-limit';
import { Client, createClient } from 'graphql-ws';
import {
  createTestDatabase,
  KAFKA_BROKERS,
  TestDatabase,
  uniqueName,
} from '../libs/event-store/src/testing/test-infra';
import { MammothProcess, bootstrapToken, buildTestImage, dropTopics, eventually, testPort } from './harness';

// graphql-ws needs a WebSocket implementation on Node 20.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const WebSocket: unknown = require('ws');
const PORT = testPort(18585);
const URL_HTTP = `http://127.0.0.1:${PORT}`;
/** token is the suite's admin token, bootstrapped with its database. */
let token = '';
const auth = () => ({ authorization: `Bearer ${token}` });
const SUB = `subscription($after: String!, $filter: EventFilterInput) {
  events(after: $after, filter: $filter) { position streamId streamVersion type metadata { eventId } }
}`;

interface Seen {
  position: string;
  streamId: string;
  streamVersion: number;
  type: string;
}

/** Subscriber is one graphql-ws connection following `events(after, filter)`. */
class Subscriber {
  readonly seen: Seen[] = [];
  readonly errors: unknown[] = [];
  private readonly client: Client;
  private closed = false;

  constructor(after: string, filter: Record<string, unknown> | null = null) {
    this.client = createClient({
      url: `ws://127.0.0.1:${PORT}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: auth,
    });
    this.client.subscribe<{ events: Seen }>(
      { query: SUB, variables: { after, filter } },
      {
        // A disconnected client processes nothing more, even messages still in its socket's buffer.
        next: (r) => (this.closed ? undefined : r.data ? this.seen.push(r.data.events) : this.errors.push(r.errors)),
        error: (e) => this.errors.push(e),
        complete: () => undefined,
      },
    );
  }

  get last(): string {
    return this.seen[this.seen.length - 1].position;
  }

  /** disconnect drops the connection, as a crash or a network cut would. */
  disconnect(): Promise<void> {
    this.closed = true;
    return this.client.dispose() as Promise<void>;
  }
}

describe('resumable subscriptions over graphql-ws: every event exactly once and in order, across a reconnect', () => {
  let db: TestDatabase;
  let cp: MammothProcess;
  const prefix = uniqueName('subs');
  const runDir = join(__dirname, '..', '.run', 'e2e', prefix);

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${URL_HTTP}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors[0].message);
    return body.data as T;
  };
  const log = async (where = 'true', params: unknown[] = []): Promise<Seen[]> =>
    (
      await db.pool.query(
        `SELECT position::text, stream_id AS "streamId", stream_version AS "streamVersion", type FROM events WHERE ${where} ORDER BY events.position`,
        params,
      )
    ).rows;

  beforeAll(async () => {
    const image = await readFile(await buildTestImage('mammoth-e2e/subs:1', 'subscriptions'));
    db = await createTestDatabase();
    mkdirSync(runDir, { recursive: true });
    token = await bootstrapToken(db.url, join(runDir, 'secrets', 'admin.token'));
    cp = new MammothProcess(
      'control-plane',
      'control-plane/src/main.js',
      {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        MAMMOTH_TOPIC_PREFIX: prefix,
        EVENT_TOPIC_PARTITIONS: '1',
        PORT: String(PORT),
        MAMMOTH_DATA_DIR: join(runDir, 'cp'),
        FAILURE_DETECTOR: 'off',
        NODE_LOST_AFTER_MS: '3600000',
      },
      join(runDir, 'control-plane.log'),
    ).start();
    await eventually(() => gql('{ apps { name } }'), 60_000, 250);
    const form = new FormData();
    form.set('file', new Blob([image]), 'package.tar');
    form.set('name', 'subs');
    form.set('version', '1');
    expect((await fetch(`${URL_HTTP}/packages`, { method: 'POST', body: form, headers: auth() })).status).toBe(201);
  });

  afterAll(async () => {
    await cp?.stop();
    await db?.drop();
    await dropTopics(prefix);
  });

  /** quiescentLog reads the log once it has stopped growing (commands may still be settling after the last mutation). */
  async function quiescentLog(): Promise<Seen[]> {
    let before = await log();
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = await log();
      if (now.length === before.length) return now;
      before = now;
    }
  }

  /** load writes well over 1,000 events through the API, many commands at once so positions commit out of order. */
  async function load(): Promise<void> {
    const limit = pLimit(8);
    const nodes = Array.from({ length: 8 }, (_, i) => `subs-node-${i}`);
    const register = (nodeId: string, round: number) =>
      gql(`mutation($input: RegisterNodeInput!) { registerNode(input: $input) { id } }`, {
        input: {
          nodeId,
          hostname: nodeId,
          address: '127.0.0.1',
          cpus: 16,
          memoryMiB: 65536,
          diskMiB: 0,
          portFrom: 40000,
          portTo: 40999,
          driver: 'docker',
          labels: [{ key: 'round', value: String(round) }],
        },
      });
    await Promise.all(nodes.map((n) => limit(() => register(n, 0))));
    const apps = ['subs-0', 'subs-1', 'subs-2', 'subs-3'];
    const deployed = await Promise.all(
      apps.map((name) =>
        limit(() =>
          gql<{ deployApp: { instances: { id: string; nodeId: string }[] } }>(
            `mutation { deployApp(input: { name: "${name}", package: "subs", instances: 40, cpus: 0.01, memoryMiB: 8 }) { instances { id nodeId } } }`,
          ),
        ),
      ),
    );
    const report = (app: string, i: { id: string; nodeId: string }, state: string) =>
      gql(`mutation($r: [InstanceReportInput!]!) { reportInstances(reports: $r) }`, {
        r: [{ instanceId: i.id, app, nodeId: i.nodeId, state, containerId: 'c' }],
      });
    await Promise.all(
      deployed.flatMap((d, k) => d.deployApp.instances.map((i) => limit(() => report(apps[k], i, 'running')))),
    );
    await Promise.all(
      apps.map((name) => limit(() => gql(`mutation { scaleApp(name: "${name}", instances: 10) { desired } }`))),
    );
    // Re-registrations race on the same node streams: some appends conflict and roll back, leaving holes in the positions.
    await Promise.all(
      Array.from({ length: 320 }, (_, r) =>
        limit(() => register(nodes[r % nodes.length], r + 1).catch(() => undefined)),
      ),
    );
  }

  /** slowCommit draws a position inside a transaction and commits it only after later positions have committed. */
  async function slowCommit(): Promise<{ position: string; overtakenBy: number }> {
    const c = new PgClient({ connectionString: db.url });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query(`INSERT INTO streams (stream_id, version) VALUES ('package-late', 1)`);
      const r = await c.query<{ position: string }>(
        `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, event_id)
         VALUES ('package-late', 1, 'PackageUploaded', 1, $1, $2, gen_random_uuid()) RETURNING position::text`,
        [
          JSON.stringify({
            name: 'late',
            version: '1',
            digest: `sha256:${'0'.repeat(64)}`,
            format: 'image',
            sizeBytes: 1,
            imageRef: 'late:1',
          }),
          JSON.stringify({
            eventId: '11111111-1111-4111-8111-111111111111',
            correlationId: 'late',
            causationId: null,
            actor: 'test',
            timestamp: new Date().toISOString(),
          }),
        ],
      );
      const position = r.rows[0].position;
      const overtakenBy = await eventually(
        async () => {
          const n = Number(
            (await db.pool.query('SELECT count(*) AS n FROM events WHERE position > $1', [position])).rows[0].n,
          );
          if (n < 20) throw new Error(`only ${n} later positions committed so far`);
          return n;
        },
        60_000,
        20,
      );
      await c.query(`SELECT pg_notify('mammoth_outbox', '')`);
      await c.query('COMMIT');
      return { position, overtakenBy };
    } finally {
      await c.end();
    }
  }

  it('a client that disconnects mid-stream and resumes from its last position receives the whole log once, in order', async () => {
    const first = new Subscriber('0');
    const filtered = new Subscriber('0', { app: 'subs-1' });
    const loading = load();
    const late = slowCommit();

    await eventually(async () => expect(first.seen.length).toBeGreaterThanOrEqual(300), 60_000, 5);
    await first.disconnect();
    const resumeAfter = first.last;
    await new Promise((r) => setTimeout(r, 500)); // the log keeps growing while the client is away
    const missedWhileAway = (await log('position > $1', [resumeAfter])).length;
    const second = new Subscriber(resumeAfter);

    await loading;
    const { position: latePosition, overtakenBy } = await late;
    const atLoadEnd = (await log()).length;
    const all = await quiescentLog();
    if (all.length > atLoadEnd) console.log('after load:', JSON.stringify(all.slice(atLoadEnd).map((e) => e.type)));
    expect(all.length).toBeGreaterThanOrEqual(1000);
    const end = all[all.length - 1].position;
    await eventually(async () => expect(second.last).toBe(end), 60_000, 50);

    const received = [...first.seen, ...second.seen].map(({ position, streamId, streamVersion, type }) => ({
      position,
      streamId,
      streamVersion,
      type,
    }));
    expect(received).toEqual(all);
    expect(new Set(received.map((e) => e.position)).size).toBe(received.length);
    expect(missedWhileAway).toBeGreaterThan(0);
    expect(overtakenBy).toBeGreaterThanOrEqual(20);
    expect(received.some((e) => e.position === latePosition)).toBe(true);
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);

    // The filtered subscription saw exactly the app's share of the log, in order.
    const mine = await log(`stream_id = 'app-subs-1' OR data->>'app' = 'subs-1'`);
    await eventually(async () => expect(filtered.seen.length).toBe(mine.length), 30_000, 50);
    expect(
      filtered.seen.map(({ position, streamId, streamVersion, type }) => ({ position, streamId, streamVersion, type })),
    ).toEqual(mine);
    await Promise.all([second.disconnect(), filtered.disconnect()]);
  });

  it('refuses a malformed position with a typed error', async () => {
    const bad = new Subscriber('not-a-position');
    await eventually(async () => expect(bad.errors.length).toBeGreaterThan(0), 10_000, 20);
    expect(JSON.stringify(bad.errors)).toContain('after');
    expect(bad.seen).toEqual([]);
    await bad.disconnect();
  });
});
