import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ReadContract1732240000051 lets the registry answer what the write side answers: each app's image, strategy, constraints,
 * rollout in progress and incarnation (the app stream version of its deploy), and each instance's placement version (so an
 * app lists only the instances of its own incarnation). The registry's fold changed with them (updates now move the
 * package), so the migration empties the registry and forgets its offsets: the projector replays it from the log.
 */
export class ReadContract1732240000051 implements MigrationInterface {
  name = 'ReadContract1732240000051';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rm_apps
        ADD COLUMN image_ref   TEXT  NOT NULL DEFAULT '',
        ADD COLUMN strategy    TEXT  NOT NULL DEFAULT 'spread',
        ADD COLUMN constraints JSONB NOT NULL DEFAULT '[]',
        ADD COLUMN incarnation INT   NOT NULL DEFAULT 0,
        ADD COLUMN rollout     JSONB`);
    await q.query(`ALTER TABLE rm_instances ADD COLUMN placed_version INT`);
    await resetRegistry(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_instances DROP COLUMN placed_version`);
    await q.query(
      `ALTER TABLE rm_apps DROP COLUMN image_ref, DROP COLUMN strategy, DROP COLUMN constraints, DROP COLUMN incarnation, DROP COLUMN rollout`,
    );
    await resetRegistry(q);
  }
}

/** resetRegistry empties the registry read model and forgets its offsets and stream versions, as `rebuild registry` does. */
export async function resetRegistry(q: QueryRunner): Promise<void> {
  await q.query(`TRUNCATE rm_packages, rm_nodes, rm_apps, rm_instances`);
  await q.query(`DELETE FROM projection_offsets WHERE projection = 'registry'`);
  await q.query(`DELETE FROM projection_streams WHERE projection = 'registry'`);
}
