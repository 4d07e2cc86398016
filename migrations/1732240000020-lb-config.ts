import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LbConfig1732240000020 creates the lb-config read model (apps, real nodes, endpoints with weights, the open commit and every
 * rendered nginx configuration version) and projection_positions, where log projections keep their event-store position.
 */
export class LbConfig1732240000020 implements MigrationInterface {
  name = 'LbConfig1732240000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE projection_positions (projection TEXT PRIMARY KEY, position BIGINT NOT NULL)`);
    await q.query(`CREATE TABLE rm_lb_apps (name TEXT PRIMARY KEY)`);
    await q.query(`CREATE TABLE rm_lb_nodes (node_id TEXT PRIMARY KEY, lost BOOLEAN NOT NULL)`);
    await q.query(`
      CREATE TABLE rm_lb_endpoints (
        instance_id UUID PRIMARY KEY,
        app         TEXT NOT NULL,
        node_id     TEXT NOT NULL,
        host        TEXT NOT NULL,
        port        INT  NOT NULL,
        weight      INT  NOT NULL DEFAULT 1,
        desired     TEXT NOT NULL,
        state       TEXT NOT NULL
      )`);
    await q.query(
      `CREATE TABLE rm_lb_progress (id BOOLEAN PRIMARY KEY DEFAULT true CHECK (id), open_commit JSONB, dirty BOOLEAN NOT NULL)`,
    );
    await q.query(`
      CREATE TABLE lb_config_versions (
        version     INT PRIMARY KEY,
        hash        TEXT NOT NULL,
        config      TEXT NOT NULL,
        upstreams   JSONB NOT NULL,
        rendered_at TIMESTAMPTZ NOT NULL,
        position    BIGINT NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'lb_config_versions',
      'rm_lb_progress',
      'rm_lb_endpoints',
      'rm_lb_nodes',
      'rm_lb_apps',
      'projection_positions',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
