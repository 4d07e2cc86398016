import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppState, evolveApp, evolveNode, initialAppState, initialNodeState, NodeState } from '@mammoth/domain';
import { AppEvent, MammothEvent, NodeEvent, RecordedEvent } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import {
  createTestDatabase,
  KAFKA_BROKERS,
  TestDatabase,
  uniqueName,
} from '../libs/event-store/src/testing/test-infra';
import { GqlError, MammothProcess, bootstrapToken, buildTestImage, dropTopics, eventually, testPort } from './harness';

/**
 * Optimistic commits (Google's Omega) across two real control planes: many deploys race for little room, half through each
 * process; afterwards the log must show no node over capacity, no port held twice, and every instance either placed once or
 * counted pending with reasons. Then room appears and the pending instances are placed without anyone asking.
 */

const CP_PORTS = [testPort(18383), testPort(18384)];
const SHAPE = { cpus: 0.5, memoryMiB: 64 };
/** Four nodes run out of cpu after two instances each; two big nodes run out of ports after three each: 14 slots. */
const NODES = [
  ...[1, 2, 3, 4].map((i) => ({ nodeId: `small-${i}`, cpus: 1, portFrom: 40000, portTo: 40019 })),
  ...[1, 2].map((i) => ({ nodeId: `narrow-${i}`, cpus: 4, portFrom: 41000, portTo: 41002 })),
];
const SLOTS = 14;
const APPS = Array.from({ length: 40 }, (_, i) => ({
  name: `race-${String(i).padStart(2, '0')}`,
  instances: 2 + (i % 2),
}));
const PLACER_ACTOR = 'scheduler:pending-placer';

interface Audit {
  violations: string[];
  apps: Map<string, AppState>;
  nodes: Map<string, NodeState>;
  placed: number;
}

/**
 * audit folds the whole log: node streams with evolveNode (plus a raw port ledger, since the fold's port set would hide a port
 * held twice), app streams with evolveApp, and cross-checks every placement with exactly one assignment on its node.
 */
function audit(events: RecordedEvent<MammothEvent>[]): Audit {
  const violations: string[] = [];
  const nodes = new Map<string, NodeState>();
  const ports = new Map<string, Map<number, string>>();
  const assignedAt = new Map<string, { nodeId: string; port: number }>();
  const apps = new Map<string, AppState>();
  const placedAt = new Map<string, { nodeId: string; port: number }>();
  for (const { streamId, event } of events) {
    if (streamId.startsWith('node-')) {
      const nodeId = streamId.slice('node-'.length);
      const state = evolveNode(nodes.get(nodeId) ?? initialNodeState(), event as NodeEvent);
      nodes.set(nodeId, state);
      const held = ports.get(nodeId) ?? new Map<number, string>();
      ports.set(nodeId, held);
      if (event.type === 'InstanceAssigned') {
        const { instanceId, port } = event.data;
        if (assignedAt.has(instanceId)) violations.push(`instance ${instanceId} assigned twice`);
        assignedAt.set(instanceId, { nodeId, port });
        if (held.has(port)) violations.push(`node ${nodeId}: port ${port} held by ${held.get(port)} and ${instanceId}`);
        held.set(port, instanceId);
      } else if (event.type === 'InstanceUnassigned') {
        const at = assignedAt.get(event.data.instanceId);
        if (at?.nodeId === nodeId) held.delete(at.port);
        else violations.push(`instance ${event.data.instanceId} unassigned from ${nodeId}, where it was not assigned`);
      }
      if (state.status === 'registered') {
        const { allocated, info } = state;
        for (const dim of ['cpuMillis', 'memoryMiB', 'diskMiB'] as const) {
          if (allocated[dim] > info.capacity[dim])
            violations.push(`node ${nodeId}: ${dim} ${allocated[dim]} allocated of ${info.capacity[dim]}`);
        }
      }
    } else if (streamId.startsWith('app-')) {
      const name = streamId.slice('app-'.length);
      apps.set(name, evolveApp(apps.get(name) ?? initialAppState(), event as AppEvent));
      if (event.type === 'InstancePlaced') {
        const { instanceId, nodeId, port } = event.data;
        if (placedAt.has(instanceId)) violations.push(`instance ${instanceId} placed twice`);
        placedAt.set(instanceId, { nodeId, port });
      }
    }
  }
  for (const [id, p] of placedAt) {
    const a = assignedAt.get(id);
    if (!a || a.nodeId !== p.nodeId || a.port !== p.port)
      violations.push(
        `instance ${id} placed on ${p.nodeId}:${p.port} but assigned ${a ? `${a.nodeId}:${a.port}` : 'nowhere'}`,
      );
  }
  for (const id of assignedAt.keys())
    if (!placedAt.has(id)) violations.push(`instance ${id} assigned but never placed`);
  let placed = 0;
  for (const [name, s] of apps) {
    if (s.status !== 'active') continue;
    placed += s.live.size;
    const missing = s.spec.instances - s.live.size;
    if (missing < 0) violations.push(`app ${name}: ${s.live.size} live of ${s.spec.instances}`);
    if (missing > 0 && s.pending?.count !== missing)
      violations.push(`app ${name}: ${missing} missing but pending ${s.pending?.count ?? 'none'}`);
    if (missing > 0 && !(JSON.parse(s.pending?.reasons ?? '[]') as unknown[]).length)
      violations.push(`app ${name}: pending without reasons`);
    if (missing === 0 && s.pending) violations.push(`app ${name}: complete but pending ${s.pending.count}`);
  }
  return { violations, apps, nodes, placed };
}

describe('optimistic commits across two control planes', () => {
  const prefix = uniqueName('o');
  const runDir = join(__dirname, '..', '.run', 'e2e', prefix);
  let db: TestDatabase;
  let store: PgEventStore;
  const procs: MammothProcess[] = [];
  const urls = CP_PORTS.map((p) => `http://127.0.0.1:${p}/graphql`);
  let token = '';
  const auth = () => ({ authorization: `Bearer ${token}` });

  async function gql<T = Record<string, unknown>>(
    cp: number,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const res = await fetch(urls[cp], {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string; field?: string } }[];
    };
    if (body.errors?.length)
      throw new GqlError(body.errors[0].message, body.errors[0].extensions?.code, body.errors[0].extensions?.field);
    return body.data as T;
  }
  const log = async () => audit(await store.readAll('0', 1_000_000));
  const eventCount = async () =>
    Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n);

  beforeAll(async () => {
    mkdirSync(runDir, { recursive: true });
    const image = buildTestImage('mammoth-e2e/omega:1', 'omega');
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
    token = await bootstrapToken(db.url, join(runDir, 'secrets', 'admin.token'));
    const env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      MAMMOTH_TOPIC_PREFIX: prefix,
      EVENT_TOPIC_PARTITIONS: '3',
      MAMMOTH_DATA_DIR: join(runDir, 'cp'),
      PENDING_SWEEP_MS: '1000',
      PENDING_WATCH_MS: '200',
      // Nodes here are registered by hand and never heartbeat: this suite is about commits, not failure detection.
      FAILURE_DETECTOR: 'off',
    };
    CP_PORTS.forEach((port, i) =>
      procs.push(
        new MammothProcess(
          `control-plane-${i}`,
          'control-plane/src/main.js',
          { ...env, PORT: String(port) },
          join(runDir, `control-plane-${i}.log`),
        ).start(),
      ),
    );
    procs.push(new MammothProcess('projector', 'projector/src/main.js', env, join(runDir, 'projector.log')).start());
    await Promise.all([0, 1].map((cp) => eventually(() => gql(cp, '{ apps { name } }'), 60_000, 250)));

    const form = new FormData();
    form.set('file', new Blob([await readFile(await image)]), 'package.tar');
    const uploaded = await fetch(`http://127.0.0.1:${CP_PORTS[0]}/packages`, {
      method: 'POST',
      body: form,
      headers: auth(),
    });
    expect(uploaded.status).toBe(201);
    for (const [i, n] of NODES.entries()) await registerNode(i % 2, n);
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await db?.drop();
    await dropTopics(prefix);
  });

  function registerNode(
    cp: number,
    n: { nodeId: string; cpus: number; portFrom: number; portTo: number },
    labels: { key: string; value: string }[] = [],
  ) {
    return gql(cp, 'mutation($input: RegisterNodeInput!) { registerNode(input: $input) { id } }', {
      input: { ...n, hostname: n.nodeId, address: '127.0.0.1', memoryMiB: 4096, diskMiB: 1000, driver: 'sim', labels },
    });
  }

  it('answers what-if from the capacity read model before anything runs', async () => {
    await eventually(async () => {
      const { whatIf } = await gql<{ whatIf: { fits: number; nodes: { nodeId: string; fits: number }[] } }>(
        0,
        '{ whatIf(shape: { cpus: 0.5, memoryMiB: 64 }) { fits nodes { nodeId fits } } }',
      );
      expect(whatIf.fits).toBe(SLOTS);
      expect(whatIf.nodes).toEqual([
        { nodeId: 'narrow-1', fits: 3 },
        { nodeId: 'narrow-2', fits: 3 },
        ...[1, 2, 3, 4].map((i) => ({ nodeId: `small-${i}`, fits: 2 })),
      ]);
    });
  });

  it('40 deploys racing through both control planes for 14 slots: no node overbooked, each instance placed once or pending with reasons', async () => {
    const results = await Promise.allSettled(
      APPS.map((a, i) =>
        gql(i % 2, 'mutation($input: DeployAppInput!) { deployApp(input: $input) { name } }', {
          input: { name: a.name, package: 'omega', instances: a.instances, ...SHAPE },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const { violations, placed, apps } = await log();
    expect(violations).toEqual([]);
    expect(placed).toBe(SLOTS);
    expect([...apps.values()].filter((s) => s.status === 'active')).toHaveLength(APPS.length);
  });

  it('shows why instances are pending on the app, and full nodes in the capacity read model, through the projector', async () => {
    const { apps } = await log();
    const [name, waiting] = [...apps.entries()].find(([, s]) => s.status === 'active' && s.live.size === 0)!;
    if (waiting.status === 'none') throw new Error('unreachable');
    await eventually(async () => {
      const { app } = await gql<{ app: { pending: { count: number; reasons: string[] } } }>(
        1,
        'query($n: String!) { app(name: $n) { pending { count reasons } } }',
        { n: name },
      );
      expect(app.pending).toEqual({
        count: waiting.spec.instances,
        reasons: ['4 nodes: cpu exhausted', '2 nodes: ports exhausted'],
      });
    });
    await expectCapacityMatchesLog();
  });

  it('places pending instances without anyone asking when apps scale down, are removed, or a node joins; writes nothing when nothing changed', async () => {
    const { apps } = await log();
    const running = [...apps.entries()]
      .filter(([, s]) => s.status === 'active' && s.live.size > 0)
      .map(([name]) => name);
    const from = String((await db.pool.query('SELECT max(position) AS p FROM events')).rows[0].p);
    await gql(0, 'mutation($n: String!) { scaleApp(name: $n, instances: 0) { name } }', { n: running[0] });
    await gql(1, 'mutation($n: String!) { scaleApp(name: $n, instances: 0) { name } }', { n: running[1] });
    await gql(1, 'mutation($n: String!) { removeApp(name: $n) }', { n: running[2] });
    await registerNode(0, { nodeId: 'late', cpus: 1, portFrom: 40000, portTo: 40019 });

    // Settled: every slot taken again, and every app still pending says so with the reasons of the grown cluster.
    const full = [
      { reason: 'cpu exhausted', nodes: 5 },
      { reason: 'ports exhausted', nodes: 2 },
    ];
    const settled = await eventually(
      async () => {
        const a = await log();
        expect(a.violations).toEqual([]);
        expect(a.placed).toBe(SLOTS + 2);
        for (const s of a.apps.values())
          if (s.status === 'active' && s.pending) expect(JSON.parse(s.pending.reasons)).toEqual(full);
        return a;
      },
      60_000,
      250,
    );
    const placedSince = (await store.readAll(from, 100_000, { types: ['InstancePlaced'] })).map(
      (e) => e.metadata.actor,
    );
    expect(placedSince.length).toBeGreaterThanOrEqual(2);
    expect(new Set(placedSince)).toEqual(new Set([PLACER_ACTOR]));
    expect([...settled.apps.values()].some((s) => s.status === 'active' && s.pending)).toBe(true);

    // Both placers keep sweeping every second over the apps still pending; with no room, they must write nothing.
    const before = await eventCount();
    await new Promise((r) => setTimeout(r, 3000));
    expect(await eventCount()).toBe(before);
    // A node re-registering with new labels triggers a pass at once; it frees nothing, so only its own event is written.
    await registerNode(1, { nodeId: 'late', cpus: 1, portFrom: 40000, portTo: 40019 }, [{ key: 'rack', value: 'b' }]);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await eventCount()).toBe(before + 1);
    await expectCapacityMatchesLog();
  });

  /** expectCapacityMatchesLog waits until the capacity read model shows exactly what folding the node streams shows. */
  async function expectCapacityMatchesLog(): Promise<void> {
    const { nodes } = await log();
    const expected = [...nodes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([nodeId, s]) => {
        if (s.status !== 'registered') throw new Error(`node ${nodeId} not registered`);
        const { from, to } = s.info.portRange;
        return {
          nodeId,
          allocated: { cpus: s.allocated.cpuMillis / 1000, memoryMiB: s.allocated.memoryMiB },
          free: { cpus: (s.info.capacity.cpuMillis - s.allocated.cpuMillis) / 1000 },
          ports: { total: to - from + 1, used: [...s.usedPorts].filter((p) => p >= from && p <= to).length },
        };
      });
    await eventually(async () => {
      const { capacity, whatIf } = await gql<{
        capacity: { nodes: unknown[]; totals: { allocated: { cpus: number } } };
        whatIf: { fits: number };
      }>(
        1,
        `{ capacity { nodes { nodeId allocated { cpus memoryMiB } free { cpus } ports { total used } } totals { allocated { cpus } } }
           whatIf(shape: { cpus: 0.5, memoryMiB: 64 }) { fits } }`,
      );
      expect(capacity.nodes).toEqual(expected);
      expect(capacity.totals.allocated.cpus).toBe(expected.reduce((s, n) => s + n.allocated.cpus, 0));
      expect(whatIf.fits).toBe(0);
    });
  }
});
