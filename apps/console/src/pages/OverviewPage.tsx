import { Link } from 'react-router';
import { AppsQuery, CapacityQuery } from '@mammoth/api-client';
import { useGql } from '../api/hooks';
import { ErrorNote } from '../components/ErrorNote';
import { HealthBadge, healthOf } from '../components/Health';
import { Meter } from '../components/Meter';
import { mib } from '../format';

/** OverviewPage is the cluster at a glance: each node's allocation, each app's health. */
export function OverviewPage() {
  const capacity = useGql(CapacityQuery, {});
  const apps = useGql(AppsQuery, {});
  return (
    <>
      <section>
        <h2>Nodes</h2>
        <ErrorNote error={capacity.error} />
        <table>
          <thead>
            <tr>
              <th>Node</th>
              <th>Status</th>
              <th>Instances</th>
              <th>CPU</th>
              <th>Memory</th>
            </tr>
          </thead>
          <tbody>
            {capacity.data?.capacity.nodes.map((n) => (
              <tr key={n.nodeId}>
                <td>{n.nodeId}</td>
                <td>
                  <HealthBadge health={n.status} />
                </td>
                <td>{n.instances}</td>
                <td>
                  <Meter used={n.allocated.cpus} total={n.cpus} caption={`${n.allocated.cpus} / ${n.cpus} cpus`} />
                </td>
                <td>
                  <Meter
                    used={n.allocated.memoryMiB}
                    total={n.memoryMiB}
                    caption={`${mib(n.allocated.memoryMiB)} / ${mib(n.memoryMiB)}`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2>Apps</h2>
        <ErrorNote error={apps.error} />
        {apps.data?.apps.length === 0 && (
          <p className="muted">
            No apps yet. <Link to="/deploy">Deploy one</Link>.
          </p>
        )}
        <table>
          <thead>
            <tr>
              <th>App</th>
              <th>Package</th>
              <th>Healthy</th>
              <th>Health</th>
              <th>Rollout</th>
            </tr>
          </thead>
          <tbody>
            {apps.data?.apps.map((a) => (
              <tr key={a.name} data-app={a.name}>
                <td>
                  <Link to={`/apps/${encodeURIComponent(a.name)}`}>{a.name}</Link>
                </td>
                <td>
                  {a.package.name}:{a.package.version}
                </td>
                <td>
                  {a.healthy} / {a.desired}
                </td>
                <td>
                  <HealthBadge health={healthOf(a)} />
                </td>
                <td>{a.rollout ? `${a.rollout.phase} ${a.rollout.from} → ${a.rollout.to}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
