import { MigrationInterface, QueryRunner } from 'typeorm';

/** EventStore1732240000000 creates the append-only event log, the per-stream version table and the relay outbox. */
export class EventStore1732240000000 implements MigrationInterface {
  name = 'EventStore1732240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        position        BIGSERIAL PRIMARY KEY,
        stream_id       TEXT        NOT NULL,
        stream_version  INT         NOT NULL,
        type            TEXT        NOT NULL,
        schema_version  INT         NOT NULL,
        data            JSONB       NOT NULL,
        metadata        JSONB       NOT NULL,
        event_id        UUID        NOT NULL UNIQUE,
        recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
      )`);
    await q.query(`CREATE INDEX events_type_position ON events (type, position)`);
    await q.query(`CREATE TABLE streams (stream_id TEXT PRIMARY KEY, version INT NOT NULL)`);
    await q.query(`CREATE TABLE outbox (position BIGINT PRIMARY KEY REFERENCES events (position))`);
    // The log is the audit trail: nobody may rewrite or delete an event.
    await q.query(`
      CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'events are append-only'; END $$`);
    await q.query(
      `CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox`);
    await q.query(`DROP TABLE streams`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP FUNCTION events_append_only`);
  }
}
