import { MigrationInterface, QueryRunner } from 'typeorm';
import { resetRegistry } from './1732240000051-read-contract';

/**
 * AppRepairBackoff1732240000052 adds an app's instance repair backoff to the registry: its last AppRepairBackedOff
 * (attempts, reason, when, and when the next repair may come), null before any. The registry's fold changed with it, so
 * the migration empties the registry and forgets its offsets: the projector replays it from the log.
 */
export class AppRepairBackoff1732240000052 implements MigrationInterface {
  name = 'AppRepairBackoff1732240000052';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_apps ADD COLUMN repair_backoff JSONB`);
    await resetRegistry(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_apps DROP COLUMN repair_backoff`);
    await resetRegistry(q);
  }
}
