import { MigrationInterface, QueryRunner } from 'typeorm';

/** AclReadModel1732240000081 creates the tokens and policies read models (no secret and no secret hash in them). */
export class AclReadModel1732240000081 implements MigrationInterface {
  name = 'AclReadModel1732240000081';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_tokens (
        token_id    TEXT PRIMARY KEY,
        subject     TEXT NOT NULL,
        policies    JSONB NOT NULL,
        expires_at  TIMESTAMPTZ,
        created_at  TIMESTAMPTZ NOT NULL,
        created_by  TEXT NOT NULL,
        revoked_at  TIMESTAMPTZ
      )`);
    await q.query(`
      CREATE TABLE rm_policies (
        name        TEXT PRIMARY KEY,
        rules       JSONB NOT NULL,
        updated_at  TIMESTAMPTZ NOT NULL,
        updated_by  TEXT NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rm_policies`);
    await q.query(`DROP TABLE rm_tokens`);
  }
}
