import { PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, eventually, TestDatabase } from '@mammoth/event-store/testing/test-infra';
import { makeEvent, streamIds } from '@mammoth/events';
import { LogProjections } from '../runner/log-projections';
import { storedPosition } from '../runner/log-runner';
import { ev, Ev, uuid } from '@mammoth/read-models/testing/lb-events';
import { at } from '@mammoth/read-models/testing/recorded';
import { quietLog } from '../testing/scenario';
import { lbConfigProjection } from './lb-config.projection';

jest.setTimeout(120_000);

describe('lb-config projection (real PostgreSQL): versions folded from the log, identical after a rebuild', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let host: LogProjections;
  let t = 0;
  const write = (streamId: string, ...evs: Ev[]) =>
    store.append(
      [{ streamId, expectedVersion: 'any', events: evs.map(([type, data]) => makeEvent(type, data as never)) }],
      {
        correlationId: `c${++t}`,
        actor: 'test',
        timestamp: at(t),
      },
    );
  const versions = async () =>
    (
      await db.pool.query(
        `SELECT version, hash, config, upstreams, to_char(rendered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS rendered_at, position::text FROM lb_config_versions ORDER BY version`,
      )
    ).rows;
  const caughtUp = async () => {
    const end = BigInt((await db.pool.query('SELECT max(position)::text AS m FROM events')).rows[0].m);
    await eventually(async () => expect(await storedPosition(db.pool, 'lb-config')).toBe(end), 30_000);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
    host = new LogProjections({ connectionString: db.url }, db.pool, [lbConfigProjection], quietLog());
    await host.start();
  });
  afterAll(async () => {
    await host?.stop();
    await db?.drop();
  });

  it('renders a version per routing change and reproduces every version byte for byte on rebuild', async () => {
    await write(streamIds.node('n1'), ev.node('n1'));
    await write(streamIds.node('s1'), ev.node('s1', 'sim'));
    await write(
      streamIds.app('web'),
      ev.deployed('web'),
      ...[1, 2, 3].map((n) => ev.placed('web', uuid(n), 'n1', 20000 + n)),
      ev.placed('web', uuid(9), 's1', 20009),
    );
    // Reports race each other, as node daemons' do: positions commit out of order.
    await Promise.all(
      [1, 2, 3, 9].map((n) => write(streamIds.instance(uuid(n)), ev.running('web', uuid(n), n === 9 ? 's1' : 'n1'))),
    );
    await write(streamIds.app('api'), ev.deployed('api'));
    await write(streamIds.app('web'), ev.stopRequested('web', uuid(1), 'n1'), ev.stopRequested('web', uuid(2), 'n1'));
    await caughtUp();

    const live = await versions();
    expect(live.length).toBeGreaterThanOrEqual(5);
    expect(live.map((v) => v.version)).toEqual(live.map((_, i) => i + 1));
    const last = live[live.length - 1];
    expect(last.upstreams).toEqual([
      { app: 'api', servers: [] },
      { app: 'web', servers: [{ host: '127.0.0.1', port: 20003, weight: 1 }] },
    ]);
    expect(last.config).toContain('server 127.0.0.1:20003 weight=1;');
    expect(last.config).not.toContain('20009'); // the hollow node's instance is never routed
    const endpoints = await db.pool.query('SELECT instance_id FROM rm_lb_endpoints ORDER BY instance_id');
    expect(endpoints.rows.map((r) => r.instance_id)).toEqual([uuid(1), uuid(2), uuid(3)]);

    await host.rebuild('lb-config');
    await caughtUp();
    expect(await versions()).toEqual(live);
  });
});
