import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Metrics1732240000140 gives nodes their metrics port, heartbeats the node's observed use, and adds metrics_endpoints,
 * where the control planes and projectors say where they serve /metrics (not event-sourced: only the live ones matter).
 */
export class Metrics1732240000140 implements MigrationInterface {
  name = 'Metrics1732240000140';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_nodes ADD COLUMN metrics_port INT`);
    await q.query(`
      ALTER TABLE rm_node_heartbeats
        ADD COLUMN used_cpu_percent REAL,
        ADD COLUMN used_memory_mib INT`);
    await q.query(`
      CREATE TABLE metrics_endpoints (
        process     TEXT NOT NULL,
        address     TEXT NOT NULL,
        seen_at     TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (process, address)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE metrics_endpoints`);
    await q.query(`ALTER TABLE rm_node_heartbeats DROP COLUMN used_memory_mib, DROP COLUMN used_cpu_percent`);
    await q.query(`ALTER TABLE rm_nodes DROP COLUMN metrics_port`);
  }
}
