import { Queryable, selectRows } from '../../row-store/rows';
import { AppRow } from '../apps/apps';
import { InstanceRow, instancesTable } from './instances';

/** AppIncarnation is an app as an instance query needs it: its name and the incarnation whose instances count. */
export type AppIncarnation = Pick<AppRow, 'name' | 'incarnation'>;

/** ofIncarnations joins rm_instances (as t) to the apps' current incarnations: instances placed after their app's deploy. */
const OF_INCARNATIONS = `JOIN unnest($1::text[], $2::int[]) AS a(name, incarnation)
  ON t.app = a.name AND t.placed_version > a.incarnation`;

const params = (apps: readonly AppIncarnation[]) => [apps.map((a) => a.name), apps.map((a) => a.incarnation)];

/**
 * listInstances reads the instances an app's listing shows, in the order they were placed: of its current incarnation (not
 * an earlier app of the same name), and not history: neither stopped for good nor lost on a node since removed.
 */
export function listInstances(db: Queryable, apps: readonly AppIncarnation[]): Promise<InstanceRow[]> {
  if (apps.length === 0) return Promise.resolve([]);
  return selectRows<InstanceRow>(
    db,
    instancesTable,
    `${OF_INCARNATIONS}
     WHERE NOT (t.desired = 'stop' AND t.state = 'stopped')
       AND NOT (t.state = 'lost' AND NOT EXISTS (SELECT 1 FROM rm_nodes n WHERE n.node_id = t.node_id))
     ORDER BY t.app, t.placed_version, t.instance_id`,
    params(apps),
    'rm-instances-list',
  );
}

/** listEndpoints reads the apps' instances that answer: wanted, reported running, with a host and port, on a node not lost. */
export function listEndpoints(db: Queryable, apps: readonly AppIncarnation[]): Promise<InstanceRow[]> {
  if (apps.length === 0) return Promise.resolve([]);
  return selectRows<InstanceRow>(
    db,
    instancesTable,
    `${OF_INCARNATIONS}
     WHERE t.desired = 'run' AND t.state = 'running' AND t.host IS NOT NULL AND t.port IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM rm_nodes n WHERE n.node_id = t.node_id AND n.status = 'lost')
     ORDER BY t.app, t.host, t.port, t.instance_id`,
    params(apps),
    'rm-instances-endpoints',
  );
}
