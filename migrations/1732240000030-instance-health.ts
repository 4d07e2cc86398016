import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * InstanceHealth1732240000030 adds health and crash-loop columns to the registry: per instance its check kind, health verdict,
 * restarts, last exit code and next restart attempt; per app its health check and restart policy. Instances already running
 * predate health checks, so they read healthy.
 */
export class InstanceHealth1732240000030 implements MigrationInterface {
  name = 'InstanceHealth1732240000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rm_instances
        ADD COLUMN health_check    TEXT,
        ADD COLUMN health          TEXT NOT NULL DEFAULT 'unknown',
        ADD COLUMN health_message  TEXT,
        ADD COLUMN health_at       TIMESTAMPTZ,
        ADD COLUMN restarts        INT  NOT NULL DEFAULT 0,
        ADD COLUMN last_exit_code  INT,
        ADD COLUMN next_attempt_at TIMESTAMPTZ`);
    await q.query(`UPDATE rm_instances SET health = 'healthy' WHERE state = 'running'`);
    await q.query(`
      ALTER TABLE rm_apps
        ADD COLUMN health_check      JSONB,
        ADD COLUMN max_restarts      INT,
        ADD COLUMN restart_window_ms INT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE rm_apps DROP COLUMN health_check, DROP COLUMN max_restarts, DROP COLUMN restart_window_ms`,
    );
    await q.query(`
      ALTER TABLE rm_instances
        DROP COLUMN health_check, DROP COLUMN health, DROP COLUMN health_message, DROP COLUMN health_at,
        DROP COLUMN restarts, DROP COLUMN last_exit_code, DROP COLUMN next_attempt_at`);
  }
}
