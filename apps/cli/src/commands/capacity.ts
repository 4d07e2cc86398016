import { Command } from 'commander';
import { CapacityQuery, WhatIfQuery } from '@mammoth/api-client';
import { act, Io } from '../context';
import { mib, ratio, round } from '../output/format';
import { table } from '../output/render';
import { integer, positiveNumber } from '../parse';

/** capacityCommand is `mammoth capacity`: per node allocation and free room, and the cluster totals. */
export function capacityCommand(io: Io): Command {
  return new Command('capacity').description('Show per node allocation and free room, and cluster totals').action(
    act(io, async (ctx) => {
      const { capacity } = await ctx.api.request(CapacityQuery);
      const t = capacity.totals;
      const rows = [
        ...capacity.nodes.map((n) => ({ ...n, total: { cpus: n.cpus, memoryMiB: n.memoryMiB } })),
        {
          nodeId: 'TOTAL',
          status: `${t.nodes} ready`,
          instances: null,
          allocated: t.allocated,
          free: t.free,
          ports: t.ports,
          total: t.capacity,
        },
      ];
      ctx.print(capacity, () =>
        table(rows, [
          { header: 'node', cell: (n) => n.nodeId },
          { header: 'status', cell: (n) => n.status },
          { header: 'instances', cell: (n) => n.instances },
          { header: 'cpu', cell: (n) => ratio(n.allocated.cpus, n.total.cpus, round) },
          { header: 'memory', cell: (n) => ratio(n.allocated.memoryMiB, n.total.memoryMiB, mib) },
          { header: 'free cpu', cell: (n) => round(n.free.cpus) },
          { header: 'free memory', cell: (n) => mib(n.free.memoryMiB) },
          { header: 'ports', cell: (n) => `${n.ports.used}/${n.ports.total}` },
        ]),
      );
    }),
  );
}

/** whatifCommand is `mammoth whatif`: how many more instances of a shape fit now, and where. */
export function whatifCommand(io: Io): Command {
  return new Command('whatif')
    .description('Show how many more instances of a shape would fit now, and on which nodes')
    .requiredOption('--cpus <cores>', 'CPU cores per instance', positiveNumber)
    .requiredOption('--memory <MiB>', 'memory per instance in MiB', integer(1))
    .option('--disk <MiB>', 'disk per instance in MiB', integer(0), 0)
    .action(
      act(io, async (ctx, cmd) => {
        const o = cmd.opts<{ cpus: number; memory: number; disk: number }>();
        const { whatIf } = await ctx.api.request(WhatIfQuery, {
          shape: { cpus: o.cpus, memoryMiB: o.memory, diskMiB: o.disk },
        });
        ctx.print(whatIf, () => {
          const head = `${whatIf.fits} more instance${whatIf.fits === 1 ? '' : 's'} of ${o.cpus} cpus / ${mib(o.memory)} fit now\n`;
          return whatIf.nodes.length
            ? `${head}\n${table(whatIf.nodes, [
                { header: 'node', cell: (n) => n.nodeId },
                { header: 'fits', cell: (n) => n.fits },
              ])}`
            : head;
        });
      }),
    );
}
