import { FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { PromoteAppMutation, RemoveAppMutation, RollbackAppMutation, ScaleAppMutation } from '@mammoth/api-client';
import { useGqlMutation } from '../../api/hooks';
import { ErrorNote } from '../../components/ErrorNote';

/** AppActions scales, promotes, rolls back and removes an app, showing the API's answer when it refuses. */
export function AppActions({ app }: { app: { name: string; desired: number; rollout?: { phase: string } | null } }) {
  const [instances, setInstances] = useState(String(app.desired));
  const scale = useGqlMutation(ScaleAppMutation);
  const promote = useGqlMutation(PromoteAppMutation);
  const rollback = useGqlMutation(RollbackAppMutation);
  const remove = useGqlMutation(RemoveAppMutation);
  const navigate = useNavigate();
  const name = app.name;

  function onScale(e: FormEvent): void {
    e.preventDefault();
    scale.mutate({ name, instances: Number(instances) });
  }

  return (
    <div className="actions">
      <form onSubmit={onScale} className="inline">
        <label>
          Instances
          <input
            name="instances"
            type="number"
            min={0}
            value={instances}
            onChange={(e) => setInstances(e.target.value)}
          />
        </label>
        <button type="submit" disabled={scale.isPending}>
          Scale
        </button>
      </form>
      {app.rollout?.phase === 'canary' && (
        <button onClick={() => promote.mutate({ name })} disabled={promote.isPending}>
          Promote canary
        </button>
      )}
      <button onClick={() => rollback.mutate({ name })} disabled={rollback.isPending}>
        Roll back
      </button>
      <button
        className="danger"
        onClick={() => remove.mutate({ name }, { onSuccess: () => void navigate('/') })}
        disabled={remove.isPending}
      >
        Remove
      </button>
      {[scale, promote, rollback, remove].map((m, i) => (
        <ErrorNote key={i} error={m.error} />
      ))}
    </div>
  );
}
