import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '@mammoth/platform';
import { EventStore1732240000000 } from './1732240000000-event-store';
import { ReadModels1732240000001 } from './1732240000001-read-models';
import { Capacity1732240000010 } from './1732240000010-capacity';
import { LbConfig1732240000020 } from './1732240000020-lb-config';
import { InstanceHealth1732240000030 } from './1732240000030-instance-health';
import { Rollout1732240000040 } from './1732240000040-rollout';
import { ReadContract1732240000051 } from './1732240000051-read-contract';
import { AppRepairBackoff1732240000052 } from './1732240000052-app-repair-backoff';
import { EventsDropEventIdIndex1732240000060 } from './1732240000060-events-drop-event-id-index';
import { Consumers1732240000070 } from './1732240000070-consumers';
import { EventIndexes1732240000080 } from './1732240000080-event-indexes';
import { AclReadModel1732240000081 } from './1732240000081-acl-read-model';
import { JoinTokens1732240000090 } from './1732240000090-join-tokens';
import { Metrics1732240000140 } from './1732240000140-metrics';

/** MIGRATIONS lists every schema migration in order. */
export const MIGRATIONS = [
  EventStore1732240000000,
  ReadModels1732240000001,
  Capacity1732240000010,
  LbConfig1732240000020,
  InstanceHealth1732240000030,
  Rollout1732240000040,
  ReadContract1732240000051,
  AppRepairBackoff1732240000052,
  EventsDropEventIdIndex1732240000060,
  Consumers1732240000070,
  EventIndexes1732240000080,
  AclReadModel1732240000081,
  JoinTokens1732240000090,
  Metrics1732240000140,
];

/** MigrationTarget is the database to migrate and, optionally, how long to wait for a connection. */
export type MigrationTarget = Pick<DatabaseConfig, 'url'> & Partial<Pick<DatabaseConfig, 'connectTimeoutMs'>>;

/**
 * migrationDataSource is the TypeORM data source that owns Mammoth's schema. It has the connect timeout but no statement
 * timeout: a migration may rewrite a large table, and the migration lock waits for another process's migrations.
 */
export function migrationDataSource(db: MigrationTarget): DataSource {
  return new DataSource({
    type: 'postgres',
    url: db.url,
    connectTimeoutMS: db.connectTimeoutMs,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    logging: false,
  });
}

/** runMigrations creates the database if needed and brings its schema up to date; safe to call from several processes. */
export async function runMigrations(db: MigrationTarget): Promise<void> {
  await ensureDatabase(db);
  const ds = migrationDataSource(db);
  await ds.initialize();
  try {
    // One migrator at a time, even when all processes start together.
    await ds.query('SELECT pg_advisory_lock(7424800)');
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.query('SELECT pg_advisory_unlock(7424800)').catch(() => undefined);
    await ds.destroy();
  }
}

async function ensureDatabase(db: MigrationTarget): Promise<void> {
  const target = new URL(db.url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(db.url);
  admin.pathname = '/postgres';
  const { Client } = await import('pg');
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: db.connectTimeoutMs });
  await client.connect();
  try {
    const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently
      });
    }
  } finally {
    await client.end();
  }
}
