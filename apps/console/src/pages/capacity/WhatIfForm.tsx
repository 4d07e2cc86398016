import { FormEvent, useState } from 'react';
import { WhatIfQuery } from '@mammoth/api-client';
import { useGql } from '../../api/hooks';
import { ErrorNote } from '../../components/ErrorNote';

/** WhatIfForm asks how many more instances of a shape fit now, and on which nodes. */
export function WhatIfForm() {
  const [shape, setShape] = useState({ cpus: 0.5, memoryMiB: 256, diskMiB: 0 });
  const { data, error } = useGql(WhatIfQuery, { shape });

  function submit(e: FormEvent<HTMLFormElement>): void {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setShape({ cpus: Number(f.get('cpus')), memoryMiB: Number(f.get('memoryMiB')), diskMiB: Number(f.get('diskMiB')) });
  }

  return (
    <section>
      <h2>What if</h2>
      <form className="inline" onSubmit={submit}>
        <label>
          CPUs <input name="cpus" type="number" step="0.001" min="0.001" defaultValue={shape.cpus} />
        </label>
        <label>
          Memory MiB <input name="memoryMiB" type="number" min="4" defaultValue={shape.memoryMiB} />
        </label>
        <label>
          Disk MiB <input name="diskMiB" type="number" min="0" defaultValue={shape.diskMiB} />
        </label>
        <button type="submit">Ask</button>
      </form>
      <ErrorNote error={error} />
      {data && (
        <>
          <p data-testid="whatif-fits">
            <strong>{data.whatIf.fits}</strong> more instance{data.whatIf.fits === 1 ? '' : 's'} of this shape fit now.
          </p>
          <ul>
            {data.whatIf.nodes.map((n) => (
              <li key={n.nodeId}>
                {n.nodeId}: {n.fits}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
