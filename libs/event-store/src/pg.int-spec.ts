import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { DatabaseConfig } from '@mammoth/platform';
import { createPool, pgConfig, pgPoolConfig } from './pg';
import { PG_ADMIN_URL } from './testing/test-infra';

const db = (over: Partial<DatabaseConfig> = {}): DatabaseConfig => ({
  url: PG_ADMIN_URL,
  poolMax: 2,
  connectTimeoutMs: 5000,
  statementTimeoutMs: 30_000,
  ...over,
});

describe('pg timeouts from the database config', () => {
  it("cancels a statement that outlasts PG_STATEMENT_TIMEOUT_MS, on the real server, and the pool's connection stays usable", async () => {
    const pool = createPool(pgPoolConfig(db({ statementTimeoutMs: 200 })));
    try {
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
      expect(
        (await pool.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0].statement_timeout,
      ).toBe('200ms');
    } finally {
      await pool.end();
    }
  });

  it('lets a session with a statement timeout of 0 run as long as it needs (migrations, the rebuild command)', async () => {
    const client = new Client(pgConfig(db({ statementTimeoutMs: 0 })));
    await client.connect();
    try {
      expect(
        (await client.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0].statement_timeout,
      ).toBe('0');
      await client.query('SELECT pg_sleep(0.3)');
    } finally {
      await client.end();
    }
  });

  it('gives up connecting after PG_CONNECT_TIMEOUT_MS when the server accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const pool = createPool(
      pgPoolConfig(db({ url: `postgres://postgres@127.0.0.1:${port}/x`, connectTimeoutMs: 300 })),
    );
    try {
      await expect(pool.query('SELECT 1')).rejects.toThrow(/timeout/i);
    } finally {
      await pool.end();
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });
});
