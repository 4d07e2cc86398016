import { Link } from 'react-router';
import { PackagesQuery } from '@mammoth/api-client';
import { useGql } from '../../api/hooks';
import { ErrorNote } from '../../components/ErrorNote';
import { UploadForm } from './UploadForm';

function size(bytes: number): string {
  return bytes >= 1048576 ? `${Math.round((bytes / 1048576) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** StorePage is the App Store: every package with its versions, and the upload form. */
export function StorePage() {
  const { data, error } = useGql(PackagesQuery, {});
  const byName = new Map<string, NonNullable<typeof data>['packages']>();
  for (const p of data?.packages ?? []) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return (
    <>
      <section>
        <h2>App Store</h2>
        <ErrorNote error={error} />
        {data?.packages.length === 0 && <p className="muted">No packages yet: upload one below.</p>}
        <div className="cards">
          {[...byName].map(([name, versions]) => (
            <article className="card" key={name} data-package={name}>
              <h3>{name}</h3>
              <ul>
                {versions.map((v) => (
                  <li key={v.version}>
                    <strong>{v.version}</strong> · {v.format} · {size(v.sizeBytes)} ·{' '}
                    <span title={v.digest}>{v.digest.slice(0, 19)}</span>
                  </li>
                ))}
              </ul>
              <Link to={`/deploy?package=${encodeURIComponent(name)}`}>Deploy {name}</Link>
            </article>
          ))}
        </div>
      </section>
      <UploadForm />
    </>
  );
}
