import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  BUILTIN_POLICIES,
  decideBootstrap,
  decideToken,
  DomainError,
  evolveBootstrap,
  initialBootstrapState,
  initialTokenState,
} from '@mammoth/domain';
import { AclEvent, streamIds } from '@mammoth/events';
import { createPool, PgEventStore, pgPoolConfig } from '@mammoth/event-store';
import { DatabaseConfig } from '@mammoth/platform';
import { runMigrations } from '../../../../../../../migrations/data-source';
import { newContext } from '../../../../common/command-context';
import { newToken } from '../../token-secret';

/** BOOTSTRAP_SUBJECT is the subject of the first admin token, the actor of everything done with it. */
export const BOOTSTRAP_SUBJECT = 'admin';

/** BootstrapRefused is a bootstrap that cannot go ahead: already done, or an unsafe place for the token file. */
export class BootstrapRefused extends Error {}

/**
 * bootstrapToken makes the first admin token once: it appends AclBootstrapped (which makes a second bootstrap refuse) and
 * the token's TokenCreated in one commit, and writes the token to `outFile`, mode 0600, in a directory only its owner may
 * enter (made 0700 when missing). The file is written before the commit and moved into place after it, so a failure
 * leaves neither a token nobody holds nor a file with a token that does not exist.
 */
export async function bootstrapToken(db: DatabaseConfig, outFile: string): Promise<string> {
  const path = resolve(outFile);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if (mode & 0o077)
    throw new BootstrapRefused(`${dir} is open to others (mode ${mode.toString(8)}); chmod 700 it or choose another`);
  await runMigrations(db);
  const pool = createPool(pgPoolConfig(db));
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const store = new PgEventStore(pool);
    const boot = await store.readStream(streamIds.aclBootstrap());
    const state = boot.events.reduce((s, e) => evolveBootstrap(s, e.event as AclEvent), initialBootstrapState());
    const tokenId = randomUUID();
    const bootstrapped = decideBootstrap({ tokenId }, state);
    if (bootstrapped instanceof DomainError) throw new BootstrapRefused(bootstrapped.message);
    const { token, secretHash } = newToken(tokenId);
    const ctx = newContext('bootstrap');
    const created = decideToken(
      {
        type: 'CreateToken',
        tokenId,
        subject: BOOTSTRAP_SUBJECT,
        policies: ['admin'],
        secretHash,
        ttlMs: null,
        now: ctx.timestamp,
        known: new Set(BUILTIN_POLICIES.keys()),
      },
      initialTokenState(),
    );
    if (created instanceof DomainError) throw new BootstrapRefused(created.message);
    writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
    await store.append(
      [
        { streamId: streamIds.aclBootstrap(), expectedVersion: boot.version, events: [...bootstrapped] },
        { streamId: streamIds.token(tokenId), expectedVersion: 0, events: [...created] },
      ],
      ctx,
    );
    renameSync(tmp, path);
    return path;
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw err;
  } finally {
    await pool.end();
  }
}
