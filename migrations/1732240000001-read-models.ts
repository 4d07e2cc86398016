import { MigrationInterface, QueryRunner } from 'typeorm';

/** ReadModels1732240000001 creates the projection bookkeeping and the registry read model. */
export class ReadModels1732240000001 implements MigrationInterface {
  name = 'ReadModels1732240000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projection_offsets (
        projection  TEXT   NOT NULL,
        topic       TEXT   NOT NULL,
        partition   INT    NOT NULL,
        next_offset BIGINT NOT NULL,
        PRIMARY KEY (projection, topic, partition)
      )`);
    await q.query(`
      CREATE TABLE projection_streams (
        projection TEXT NOT NULL,
        stream_id  TEXT NOT NULL,
        version    INT  NOT NULL,
        PRIMARY KEY (projection, stream_id)
      )`);
    await q.query(`
      CREATE TABLE rm_nodes (
        node_id           TEXT PRIMARY KEY,
        hostname          TEXT NOT NULL,
        address           TEXT NOT NULL,
        cpu_millis        INT  NOT NULL,
        memory_mib        INT  NOT NULL,
        disk_mib          INT  NOT NULL,
        port_from         INT  NOT NULL,
        port_to           INT  NOT NULL,
        labels            JSONB NOT NULL,
        driver            TEXT NOT NULL,
        status            TEXT NOT NULL,
        registered_at     TIMESTAMPTZ NOT NULL,
        updated_at        TIMESTAMPTZ NOT NULL
      )`);
    await q.query(`
      CREATE TABLE rm_node_heartbeats (
        node_id           TEXT PRIMARY KEY,
        last_heartbeat_at TIMESTAMPTZ NOT NULL
      )`);
    await q.query(`
      CREATE TABLE rm_apps (
        name            TEXT PRIMARY KEY,
        package_name    TEXT NOT NULL,
        package_version TEXT NOT NULL,
        package_digest  TEXT NOT NULL,
        instances       INT  NOT NULL,
        cpu_millis      INT  NOT NULL,
        memory_mib      INT  NOT NULL,
        disk_mib        INT  NOT NULL,
        status          TEXT NOT NULL,
        pending_count   INT  NOT NULL DEFAULT 0,
        pending_reasons JSONB NOT NULL DEFAULT '[]',
        created_at      TIMESTAMPTZ NOT NULL,
        updated_at      TIMESTAMPTZ NOT NULL
      )`);
    await q.query(`
      CREATE TABLE rm_instances (
        instance_id   UUID PRIMARY KEY,
        app           TEXT NOT NULL,
        node_id       TEXT NOT NULL,
        host          TEXT,
        port          INT,
        desired       TEXT NOT NULL,
        state         TEXT NOT NULL,
        container_id  TEXT,
        exit_code     INT,
        message       TEXT,
        placed_at     TIMESTAMPTZ,
        updated_at    TIMESTAMPTZ NOT NULL
      )`);
    await q.query(`CREATE INDEX rm_instances_app ON rm_instances (app)`);
    await q.query(`CREATE INDEX rm_instances_node ON rm_instances (node_id)`);
    await q.query(`
      CREATE TABLE rm_packages (
        name        TEXT NOT NULL,
        version     TEXT NOT NULL,
        digest      TEXT NOT NULL,
        format      TEXT NOT NULL,
        size_bytes  BIGINT NOT NULL,
        image_ref   TEXT NOT NULL,
        uploaded_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (name, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'rm_packages',
      'rm_instances',
      'rm_apps',
      'rm_node_heartbeats',
      'rm_nodes',
      'projection_streams',
      'projection_offsets',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
