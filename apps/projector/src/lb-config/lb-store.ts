import { PoolClient } from 'pg';
import { LbEndpoint, LbModel } from './lb-model';
import { LbProgress, LbVersion } from './versions';

/** LB_CONFIG_CHANNEL is notified with the newest version number in the transaction that writes new versions. */
export const LB_CONFIG_CHANNEL = 'mammoth_lb_config';

/** LB_TABLES are the lb-config read model's tables; a rebuild truncates them all. */
export const LB_TABLES = [
  'rm_lb_apps',
  'rm_lb_nodes',
  'rm_lb_endpoints',
  'rm_lb_progress',
  'lb_config_versions',
] as const;

/** loadLbState reads the model, the open commit and the last version from the read model's tables. */
export async function loadLbState(tx: PoolClient): Promise<{ model: LbModel; progress: LbProgress }> {
  const model = new LbModel();
  const apps = await tx.query<{ name: string; version: string; canary_weight: number | null }>(
    'SELECT name, version, canary_weight FROM rm_lb_apps',
  );
  for (const r of apps.rows)
    model.apps.set(r.name, { name: r.name, version: r.version, canaryWeight: r.canary_weight });
  for (const r of (await tx.query<{ node_id: string; lost: boolean }>('SELECT node_id, lost FROM rm_lb_nodes')).rows) {
    model.nodes.set(r.node_id, { nodeId: r.node_id, lost: r.lost });
  }
  const endpoints = await tx.query<{
    instance_id: string;
    app: string;
    node_id: string;
    host: string;
    port: number;
    weight: number;
    desired: LbEndpoint['desired'];
    state: LbEndpoint['state'];
    version: string;
    health: LbEndpoint['health'];
    container_id: string | null;
  }>(
    'SELECT instance_id, app, node_id, host, port, weight, desired, state, version, health, container_id FROM rm_lb_endpoints',
  );
  for (const r of endpoints.rows) {
    model.endpoints.set(r.instance_id, {
      instanceId: r.instance_id,
      app: r.app,
      nodeId: r.node_id,
      host: r.host,
      port: r.port,
      weight: r.weight,
      desired: r.desired,
      state: r.state,
      version: r.version,
      health: r.health,
      containerId: r.container_id,
    });
  }
  const p = await tx.query<{ open_commit: LbProgress['open']; dirty: boolean }>(
    'SELECT open_commit, dirty FROM rm_lb_progress',
  );
  const last = await tx.query<{ version: number; hash: string }>(
    'SELECT version, hash FROM lb_config_versions ORDER BY version DESC LIMIT 1',
  );
  return {
    model,
    progress: {
      lastVersion: last.rows[0]?.version ?? 0,
      lastHash: last.rows[0]?.hash ?? null,
      open: p.rows[0]?.open_commit ?? null,
      dirty: p.rows[0]?.dirty ?? false,
    },
  };
}

/** saveLbState writes the rows the model touched, the new versions and the progress, and notifies LB_CONFIG_CHANNEL of new versions. */
export async function saveLbState(
  tx: PoolClient,
  model: LbModel,
  progress: LbProgress,
  versions: readonly LbVersion[],
): Promise<void> {
  const { apps, nodes, endpoints } = model.touched;
  const gone = (keys: Set<string>, map: Map<string, unknown>) => [...keys].filter((k) => !map.has(k));
  const kept = <T>(keys: Set<string>, map: Map<string, T>) =>
    [...keys].filter((k) => map.has(k)).map((k) => map.get(k)!);

  if (apps.size) {
    await tx.query('DELETE FROM rm_lb_apps WHERE name = ANY($1::text[])', [gone(apps, model.apps)]);
    const rows = kept(apps, model.apps);
    await tx.query(
      `INSERT INTO rm_lb_apps (name, version, canary_weight) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
       ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, canary_weight = EXCLUDED.canary_weight`,
      [rows.map((a) => a.name), rows.map((a) => a.version), rows.map((a) => a.canaryWeight)],
    );
  }
  if (nodes.size) {
    const rows = kept(nodes, model.nodes);
    await tx.query('DELETE FROM rm_lb_nodes WHERE node_id = ANY($1::text[])', [gone(nodes, model.nodes)]);
    await tx.query(
      `INSERT INTO rm_lb_nodes (node_id, lost) SELECT * FROM unnest($1::text[], $2::boolean[])
       ON CONFLICT (node_id) DO UPDATE SET lost = EXCLUDED.lost`,
      [rows.map((n) => n.nodeId), rows.map((n) => n.lost)],
    );
  }
  if (endpoints.size) {
    const rows = kept(endpoints, model.endpoints);
    const col = <K extends keyof LbEndpoint>(k: K) => rows.map((r) => r[k]);
    await tx.query('DELETE FROM rm_lb_endpoints WHERE instance_id = ANY($1::uuid[])', [
      gone(endpoints, model.endpoints),
    ]);
    await tx.query(
      `INSERT INTO rm_lb_endpoints (instance_id, app, node_id, host, port, weight, desired, state, version, health, container_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
       ON CONFLICT (instance_id) DO UPDATE SET app = EXCLUDED.app, node_id = EXCLUDED.node_id, host = EXCLUDED.host, port = EXCLUDED.port,
         weight = EXCLUDED.weight, desired = EXCLUDED.desired, state = EXCLUDED.state, version = EXCLUDED.version, health = EXCLUDED.health,
         container_id = EXCLUDED.container_id`,
      [
        col('instanceId'),
        col('app'),
        col('nodeId'),
        col('host'),
        col('port'),
        col('weight'),
        col('desired'),
        col('state'),
        col('version'),
        col('health'),
        col('containerId'),
      ],
    );
  }
  model.clearTouched();
  for (const v of versions) {
    await tx.query(
      `INSERT INTO lb_config_versions (version, hash, config, upstreams, rendered_at, position) VALUES ($1, $2, $3, $4, $5, $6)`,
      [v.version, v.hash, v.config, JSON.stringify(v.upstreams), v.renderedAt, v.position],
    );
  }
  await tx.query(
    `INSERT INTO rm_lb_progress (id, open_commit, dirty) VALUES (true, $1, $2)
     ON CONFLICT (id) DO UPDATE SET open_commit = EXCLUDED.open_commit, dirty = EXCLUDED.dirty`,
    [progress.open ? JSON.stringify(progress.open) : null, progress.dirty],
  );
  if (versions.length)
    await tx.query('SELECT pg_notify($1, $2)', [LB_CONFIG_CHANNEL, String(versions[versions.length - 1].version)]);
}
