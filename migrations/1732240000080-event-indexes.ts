import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * EventIndexes1732240000080 indexes the `events` query's filters with the position, so a filtered page is an index range
 * scan in log order: the app an event belongs to (its own stream's, else the app its data names), the node likewise, and
 * the actor in its metadata. The first two are SQL functions so the reads and the indexes cannot drift apart.
 */
export class EventIndexes1732240000080 implements MigrationInterface {
  name = 'EventIndexes1732240000080';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION mammoth_event_app(stream_id text, data jsonb) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT CASE WHEN stream_id LIKE 'app-%' THEN substr(stream_id, 5) ELSE data->>'app' END $$`);
    await q.query(`
      CREATE FUNCTION mammoth_event_node(stream_id text, data jsonb) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT CASE WHEN stream_id LIKE 'node-%' THEN substr(stream_id, 6) ELSE data->>'nodeId' END $$`);
    await q.query(`CREATE INDEX events_app_position ON events (mammoth_event_app(stream_id, data), position)`);
    await q.query(`CREATE INDEX events_node_position ON events (mammoth_event_node(stream_id, data), position)`);
    await q.query(`CREATE INDEX events_actor_position ON events ((metadata->>'actor'), position)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_actor_position`);
    await q.query(`DROP INDEX events_node_position`);
    await q.query(`DROP INDEX events_app_position`);
    await q.query(`DROP FUNCTION mammoth_event_node(text, jsonb)`);
    await q.query(`DROP FUNCTION mammoth_event_app(text, jsonb)`);
  }
}
