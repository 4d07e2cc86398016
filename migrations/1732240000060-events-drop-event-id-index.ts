import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * EventsDropEventIdIndex1732240000060 drops the unique index on events.event_id: no query reads the log by event id (none
 * filters on it, and pg_stat_user_indexes counted no scan of it over the int tier and the spine, subscriptions, process,
 * rollout, omega and health e2e specs, while every other index of the log was scanned), and the store draws every id
 * from randomUUID, so the index only cost each append a B-tree insert at a random place.
 */
export class EventsDropEventIdIndex1732240000060 implements MigrationInterface {
  name = 'EventsDropEventIdIndex1732240000060';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events DROP CONSTRAINT events_event_id_key`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD CONSTRAINT events_event_id_key UNIQUE (event_id)`);
  }
}
