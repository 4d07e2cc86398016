import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CapacityQuery } from '@mammoth/api-client';
import { useGql } from '../../api/hooks';
import { ErrorNote } from '../../components/ErrorNote';
import { mib } from '../../format';
import { WhatIfForm } from './WhatIfForm';

/** AllocationChart plots, per node, the allocated and free share of one resource as stacked bars. */
function AllocationChart({
  title,
  rows,
  unit,
}: {
  title: string;
  rows: { node: string; allocated: number; free: number }[];
  unit: (n: number) => string;
}) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={Math.max(160, 40 * rows.length + 80)}>
        <BarChart data={rows} layout="vertical" margin={{ left: 24, right: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" tickFormatter={unit} />
          <YAxis type="category" dataKey="node" width={160} />
          <Tooltip formatter={(v) => unit(Number(v))} />
          <Legend />
          <Bar dataKey="allocated" stackId="a" fill="#c2410c" isAnimationActive={false} />
          <Bar dataKey="free" stackId="a" fill="#a3c4a0" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** CapacityPage plots each node's allocation of CPU and memory and asks what more would fit. */
export default function CapacityPage() {
  const { data, error } = useGql(CapacityQuery, {});
  const nodes = data?.capacity.nodes ?? [];
  const cpu = nodes.map((n) => ({ node: n.nodeId, allocated: n.allocated.cpus, free: Math.max(0, n.free.cpus) }));
  const memory = nodes.map((n) => ({
    node: n.nodeId,
    allocated: n.allocated.memoryMiB,
    free: Math.max(0, n.free.memoryMiB),
  }));
  const t = data?.capacity.totals;
  return (
    <>
      <section>
        <h2>Capacity</h2>
        <ErrorNote error={error} />
        {t && (
          <p className="muted">
            {t.nodes} ready nodes · {t.allocated.cpus} of {t.capacity.cpus} cpus and {mib(t.allocated.memoryMiB)} of{' '}
            {mib(t.capacity.memoryMiB)} allocated · {t.ports.used} of {t.ports.total} ports used
          </p>
        )}
        <div className="charts">
          <AllocationChart title="CPU (cores)" rows={cpu} unit={(n) => String(Math.round(n * 100) / 100)} />
          <AllocationChart title="Memory" rows={memory} unit={mib} />
        </div>
      </section>
      <WhatIfForm />
    </>
  );
}
