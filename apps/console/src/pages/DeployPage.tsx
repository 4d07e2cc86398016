import { FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { DeployAppMutation, PackagesQuery, VariablesOf } from '@mammoth/api-client';
import { useGql, useGqlMutation } from '../api/hooks';
import { ErrorNote } from '../components/ErrorNote';

type DeployInput = VariablesOf<typeof DeployAppMutation>['input'];

function inputOf(f: FormData): DeployInput {
  const text = (k: string): string => String(f.get(k) ?? '').trim();
  const check = text('check');
  return {
    name: text('name'),
    package: text('package'),
    version: text('version') || undefined,
    instances: Number(text('instances')),
    cpus: Number(text('cpus')),
    memoryMiB: Number(text('memoryMiB')),
    diskMiB: 0,
    healthCheck:
      check === 'HTTP' ? { kind: 'HTTP', path: text('path') || '/' } : check === 'TCP' ? { kind: 'TCP' } : undefined,
  };
}

/** DeployPage deploys a package as an app, then opens the app's page to watch it come up. */
export function DeployPage() {
  const [params] = useSearchParams();
  const packages = useGql(PackagesQuery, {});
  const deploy = useGqlMutation(DeployAppMutation);
  const navigate = useNavigate();
  const [pkg, setPkg] = useState(params.get('package') ?? '');
  const [check, setCheck] = useState('none');
  const names = [...new Set(packages.data?.packages.map((p) => p.name))];
  const versions = packages.data?.packages.filter((p) => p.name === pkg).map((p) => p.version) ?? [];

  function submit(e: FormEvent<HTMLFormElement>): void {
    e.preventDefault();
    const input = inputOf(new FormData(e.currentTarget));
    deploy.mutate({ input }, { onSuccess: () => void navigate(`/apps/${encodeURIComponent(input.name)}`) });
  }

  return (
    <section>
      <h2>Deploy an app</h2>
      <form className="stack" onSubmit={submit}>
        <label>
          Name <input name="name" required pattern="[a-z0-9][a-z0-9-]*" />
        </label>
        <label>
          Package
          <select name="package" required value={pkg} onChange={(e) => setPkg(e.target.value)}>
            <option value="">choose…</option>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          Version
          <select name="version">
            <option value="">latest</option>
            {versions.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          Instances <input name="instances" type="number" min="0" defaultValue={1} required />
        </label>
        <label>
          CPUs each <input name="cpus" type="number" step="0.001" min="0.001" defaultValue={0.1} required />
        </label>
        <label>
          Memory MiB each <input name="memoryMiB" type="number" min="4" defaultValue={64} required />
        </label>
        <label>
          Health check
          <select name="check" value={check} onChange={(e) => setCheck(e.target.value)}>
            <option value="none">none</option>
            <option value="HTTP">HTTP</option>
            <option value="TCP">TCP</option>
          </select>
        </label>
        {check === 'HTTP' && (
          <label>
            Path <input name="path" defaultValue="/" />
          </label>
        )}
        <button type="submit" disabled={deploy.isPending}>
          Deploy
        </button>
      </form>
      <ErrorNote error={deploy.error} />
    </section>
  );
}
