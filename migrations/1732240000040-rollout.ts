import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollout1732240000040 lets the lb-config read model follow rollouts: each app's rolled-out version and canary weight, and
 * each endpoint's version, health ('none' without a health check) and current container. Existing rows read as version ''
 * and health 'none' (routable as before); rebuilding the projection fills them from the log.
 */
export class Rollout1732240000040 implements MigrationInterface {
  name = 'Rollout1732240000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_lb_apps ADD COLUMN version TEXT NOT NULL DEFAULT '', ADD COLUMN canary_weight INT`);
    await q.query(
      `ALTER TABLE rm_lb_endpoints ADD COLUMN version TEXT NOT NULL DEFAULT '', ADD COLUMN health TEXT NOT NULL DEFAULT 'none', ADD COLUMN container_id TEXT`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_lb_endpoints DROP COLUMN version, DROP COLUMN health, DROP COLUMN container_id`);
    await q.query(`ALTER TABLE rm_lb_apps DROP COLUMN version, DROP COLUMN canary_weight`);
  }
}
