import { ResultOf, AppQuery } from '@mammoth/api-client';
import { HealthBadge } from '../../components/Health';
import { shortId } from '../../format';

type Instance = NonNullable<ResultOf<typeof AppQuery>['app']>['instances'][number];

/** InstancesTable lists an app's instances: where each runs, its state, health and restarts. */
export function InstancesTable({ instances }: { instances: readonly Instance[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Instance</th>
          <th>Node</th>
          <th>Address</th>
          <th>State</th>
          <th>Health</th>
          <th>Restarts</th>
          <th>Last exit</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {instances.map((i) => (
          <tr key={i.id} data-instance={i.id}>
            <td title={i.id}>{shortId(i.id)}</td>
            <td>{i.nodeId}</td>
            <td>{i.host && i.port ? `${i.host}:${i.port}` : '—'}</td>
            <td>{i.state}</td>
            <td>
              <HealthBadge health={i.health} />
            </td>
            <td>{i.restarts}</td>
            <td>{i.lastExitCode ?? '—'}</td>
            <td>{i.healthMessage ?? (i.nextAttemptAt ? `restart at ${i.nextAttemptAt}` : '')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
