import { makeEvent, streamIds } from '@mammoth/events';
import { AppendContext, LogWatermark, PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, eventually, TestDatabase } from '../../../../../libs/event-store/src/testing/test-infra';
import { AclCache } from './acl-cache';
import { newToken } from './token-secret';

jest.setTimeout(60_000);

const ctx: AppendContext = { correlationId: 'c', actor: 'admin', timestamp: '2026-01-01T00:00:00.000Z' };

describe('AclCache (real PostgreSQL): two control planes see each other’s tokens and policies from the log', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const watermarks: LogWatermark[] = [];
  const caches: AclCache[] = [];

  async function controlPlane(): Promise<AclCache> {
    const watermark = new LogWatermark(db.pool, { connectionString: db.url });
    await watermark.start();
    const cache = new AclCache(store, watermark);
    await cache.onApplicationBootstrap();
    watermarks.push(watermark);
    caches.push(cache);
    return cache;
  }

  async function createToken(tokenId: string, policies: string[]): Promise<string> {
    const { token, secretHash } = newToken(tokenId);
    const created = makeEvent('TokenCreated', { tokenId, subject: 'carol', policies, secretHash, expiresAt: null });
    await store.append([{ streamId: streamIds.token(tokenId), expectedVersion: 0, events: [created] }], ctx);
    return `Bearer ${token}`;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
  });
  afterAll(async () => {
    await Promise.all(caches.map((c) => c.onApplicationShutdown()));
    await Promise.all(watermarks.map((w) => w.stop()));
    await db?.drop();
  });

  it('authenticates a token written elsewhere at once, and refuses it once revoked elsewhere, from the log', async () => {
    const [a, b] = [await controlPlane(), await controlPlane()];
    const bearer = await createToken('00000000-0000-4000-8000-00000000000a', ['ops']);
    // Neither cache has read the log since: the stream of an unknown id is looked up before refusing.
    const first = await b.authenticate(bearer);
    expect(first.ok && first.principal.subject).toBe('carol');
    expect(first.ok && first.principal.allows('apps:read', 'default/web')).toBe(false);

    await store.append(
      [
        {
          streamId: streamIds.policy('ops'),
          expectedVersion: 0,
          events: [makeEvent('PolicyPut', { name: 'ops', rules: [{ capabilities: ['apps:read'], resources: ['*'] }] })],
        },
      ],
      ctx,
    );
    await eventually(async () => {
      const auth = await a.authenticate(bearer);
      expect(auth.ok && auth.principal.allows('apps:read', 'default/web')).toBe(true);
    });

    await store.append(
      [
        {
          streamId: streamIds.token('00000000-0000-4000-8000-00000000000a'),
          expectedVersion: 1,
          events: [makeEvent('TokenRevoked', { tokenId: '00000000-0000-4000-8000-00000000000a' })],
        },
      ],
      ctx,
    );
    for (const cache of [a, b]) {
      await eventually(async () => {
        expect(await cache.authenticate(bearer)).toEqual({
          ok: false,
          reason: 'token 00000000-0000-4000-8000-00000000000a is revoked',
        });
      });
    }
  });

  it('refuses a wrong secret, a malformed token and no token, each saying why', async () => {
    const cache = await controlPlane();
    const bearer = await createToken('00000000-0000-4000-8000-00000000000b', ['admin']);
    const wrong = bearer.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await cache.authenticate(wrong)).toEqual({ ok: false, reason: 'the token is not valid' });
    expect(await cache.authenticate('Bearer nope')).toMatchObject({ ok: false, reason: /not a Mammoth token/ });
    expect(await cache.authenticate(undefined)).toMatchObject({ ok: false, reason: /^no token/ });
    expect((await cache.authenticate(bearer)).ok).toBe(true);
  });
});
