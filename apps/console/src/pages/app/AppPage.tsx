import { useParams } from 'react-router';
import { AppQuery, rolloutProgress } from '@mammoth/api-client';
import { useGql } from '../../api/hooks';
import { ErrorNote } from '../../components/ErrorNote';
import { HealthBadge, healthOf } from '../../components/Health';
import { Meter } from '../../components/Meter';
import { mib } from '../../format';
import { AppActions } from './AppActions';
import { InstancesTable } from './InstancesTable';

/** AppPage is one app: its health, rollout progress, pending reasons, instances and the actions on it. */
export function AppPage() {
  const name = useParams().name ?? '';
  const { data, error } = useGql(AppQuery, { name });
  const app = data?.app;
  if (error) return <ErrorNote error={error} />;
  if (!data) return <p className="muted">Loading…</p>;
  if (!app) return <p className="muted">No app named {name}.</p>;
  const progress = rolloutProgress(app);
  return (
    <>
      <section>
        <h2>
          {app.name} <HealthBadge health={healthOf(app)} />
        </h2>
        <p className="muted">
          {app.package.name}:{app.package.version} · {app.cpus} cpus · {mib(app.memoryMiB)} each
          {app.healthCheck ? ` · ${app.healthCheck.kind} check ${app.healthCheck.path ?? ''}` : ''}
        </p>
        <div className="rollout" data-testid="progress">
          <Meter
            progress
            used={progress.ready}
            total={progress.desired}
            caption={`${progress.ready} / ${progress.desired} healthy${progress.done ? '' : ` · ${progress.phase}`}${
              progress.target ? ` to ${progress.target}` : ''
            }`}
          />
          {progress.waiting && <p className="muted">{progress.waiting}</p>}
        </div>
        {app.pending.count > 0 && (
          <div className="pending">
            <strong>{app.pending.count} pending</strong>
            <ul>
              {app.pending.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
        )}
        <AppActions app={app} />
      </section>
      <section>
        <h2>Instances</h2>
        <InstancesTable instances={app.instances} />
      </section>
      <section className="logs-slot" aria-label="Logs">
        <h2>Logs</h2>
        <p className="muted">The tail of each instance&apos;s output shows here once the cluster streams logs.</p>
      </section>
    </>
  );
}
