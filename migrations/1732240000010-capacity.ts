import { MigrationInterface, QueryRunner } from 'typeorm';

/** Capacity1732240000010 creates the capacity read model: per-node offer, allocation and free room, and the assignments holding it. */
export class Capacity1732240000010 implements MigrationInterface {
  name = 'Capacity1732240000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_node_capacity (
        node_id              TEXT PRIMARY KEY,
        status               TEXT NOT NULL,
        cpu_millis           INT NOT NULL,
        memory_mib           INT NOT NULL,
        disk_mib             INT NOT NULL,
        port_from            INT NOT NULL,
        port_to              INT NOT NULL,
        allocated_cpu_millis INT NOT NULL,
        allocated_memory_mib INT NOT NULL,
        allocated_disk_mib   INT NOT NULL,
        free_cpu_millis      INT NOT NULL,
        free_memory_mib      INT NOT NULL,
        free_disk_mib        INT NOT NULL,
        ports_total          INT NOT NULL,
        ports_used           INT NOT NULL,
        held_ports           JSONB NOT NULL,
        instances            INT NOT NULL,
        updated_at           TIMESTAMPTZ NOT NULL
      )`);
    await q.query(`
      CREATE TABLE rm_capacity_assignments (
        instance_id UUID PRIMARY KEY,
        node_id     TEXT NOT NULL,
        app         TEXT NOT NULL,
        cpu_millis  INT  NOT NULL,
        memory_mib  INT  NOT NULL,
        disk_mib    INT  NOT NULL,
        port        INT  NOT NULL
      )`);
    await q.query(`CREATE INDEX rm_capacity_assignments_node ON rm_capacity_assignments (node_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rm_capacity_assignments`);
    await q.query(`DROP TABLE rm_node_capacity`);
  }
}
