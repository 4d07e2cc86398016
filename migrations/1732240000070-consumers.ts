import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consumers1732240000070 lets consumers fail loudly: projection_dead_letters holds the events a projection could not read
 * (parked) and the later events of the same stream that wait behind them; projection_offsets gains `anchor`, the
 * fingerprint of the message just before the stored offset, which tells a recreated topic from the one the offset was
 * read in; projection_runners lists the projections that run, what they read and how, for the `projections` query.
 */
export class Consumers1732240000070 implements MigrationInterface {
  name = 'Consumers1732240000070';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projection_dead_letters (
        id             BIGSERIAL   PRIMARY KEY,
        projection     TEXT        NOT NULL,
        stream_id      TEXT        NOT NULL,
        stream_version INT,
        position       BIGINT,
        source         TEXT        NOT NULL,
        payload        TEXT        NOT NULL,
        error          TEXT        NOT NULL,
        status         TEXT        NOT NULL CHECK (status IN ('parked', 'waiting', 'skipped')),
        parked_at      TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX projection_dead_letters_stream ON projection_dead_letters (projection, stream_id, id)`);
    await q.query(
      `CREATE UNIQUE INDEX projection_dead_letters_version ON projection_dead_letters (projection, stream_id, stream_version)`,
    );
    await q.query(`ALTER TABLE projection_offsets ADD COLUMN anchor TEXT`);
    await q.query(`
      CREATE TABLE projection_runners (
        name       TEXT        PRIMARY KEY,
        kind       TEXT        NOT NULL CHECK (kind IN ('kafka', 'log')),
        sources    TEXT[]      NOT NULL,
        started_at TIMESTAMPTZ NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projection_runners`);
    await q.query(`ALTER TABLE projection_offsets DROP COLUMN anchor`);
    await q.query(`DROP TABLE projection_dead_letters`);
  }
}
