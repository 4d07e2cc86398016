import { MigrationInterface, QueryRunner } from 'typeorm';

/** JoinTokens1732240000090 creates the node join tokens read model (no secret and no secret hash in it). */
export class JoinTokens1732240000090 implements MigrationInterface {
  name = 'JoinTokens1732240000090';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_join_tokens (
        token_id       TEXT PRIMARY KEY,
        expires_at     TIMESTAMPTZ NOT NULL,
        labels         JSONB NOT NULL,
        created_at     TIMESTAMPTZ NOT NULL,
        created_by     TEXT NOT NULL,
        revoked_at     TIMESTAMPTZ,
        used_at        TIMESTAMPTZ,
        node_id        TEXT,
        credential_id  TEXT
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rm_join_tokens`);
  }
}
