import { makeEvent } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, TestDatabase } from '@mammoth/event-store/testing/test-infra';
import { append } from '../testing/scenario';
import { COMMIT_KEY, commitContinues } from './log-runner';

describe('commitContinues on the real event log', () => {
  let db: TestDatabase;
  const types = ['AppDeployed', 'AppScaled'];
  const deploy = (name: string) =>
    makeEvent('AppDeployed', {
      name,
      instances: 1,
      env: {},
      resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
      package: { name: 'web', version: '1', digest: `sha256:${'0'.repeat(64)}`, format: 'image', imageRef: 'web:1' },
    });
  /** commits reads each event's position and commit key the way the log runner's pages compute it. */
  const commits = async () =>
    (
      await db.pool.query<{ position: string; commit: string }>(
        `SELECT position::text, ${COMMIT_KEY} AS commit FROM events ORDER BY position`,
      )
    ).rows;
  const continues = async (safe: string, key: string, ofTypes = types) => {
    const tx = await db.pool.connect();
    try {
      return await commitContinues(tx, BigInt(safe), ofTypes, key);
    } finally {
      tx.release();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PgEventStore(db.pool);
    await append(store, 1, {
      'app-a': [deploy('a'), makeEvent('AppScaled', { name: 'a', from: 1, to: 2 })],
      'app-b': [deploy('b')],
    });
    await append(store, 2, { 'app-c': [deploy('c')] });
  });

  afterAll(() => db?.drop());

  it('finds the rest of a commit beyond the safe position, and nothing of a commit that ended before it', async () => {
    const [first, second, third, other] = await commits();
    expect(new Set([first.commit, second.commit, third.commit]).size).toBe(1);
    expect(other.commit).not.toBe(first.commit);
    expect(await continues(first.position, first.commit)).toBe(true);
    expect(await continues(second.position, first.commit)).toBe(true);
    expect(await continues(third.position, first.commit)).toBe(false);
    expect(await continues(first.position, other.commit)).toBe(true);
    expect(await continues(other.position, other.commit)).toBe(false);
  });

  it('looks only at the event types asked for, and at the exact transaction start', async () => {
    const [first] = await commits();
    expect(await continues(first.position, first.commit, ['InstanceRunning'])).toBe(false);
    const [micros, correlation] = first.commit.split('/');
    expect(await continues(first.position, `${BigInt(micros) + 1n}/${correlation}`)).toBe(false);
    expect(await continues(first.position, `${micros}/not-${correlation}`)).toBe(false);
  });
});
