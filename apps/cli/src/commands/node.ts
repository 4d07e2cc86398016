import { Command } from 'commander';
import { CapacityQuery, NodeInstancesQuery, NodesQuery } from '@mammoth/api-client';
import { act, Io } from '../context';
import { CliError } from '../errors';
import { ago, mib, ratio, round } from '../output/format';
import { record, table } from '../output/render';

/**
 * nodeCommand is `mammoth node`: list and inspect the cluster's machines. Cordon, uncordon and drain join it when
 * the API has them.
 */
export function nodeCommand(io: Io): Command {
  const node = new Command('node').description('List and inspect nodes');
  node
    .command('ls')
    .description('List nodes')
    .action(
      act(io, async (ctx) => {
        const { nodes } = await ctx.api.request(NodesQuery);
        const now = io.now();
        ctx.print(nodes, () =>
          table(nodes, [
            { header: 'id', cell: (n) => n.id },
            { header: 'status', cell: (n) => n.status },
            { header: 'driver', cell: (n) => n.driver },
            { header: 'cpus', cell: (n) => n.cpus },
            { header: 'memory', cell: (n) => mib(n.memoryMiB) },
            { header: 'address', cell: (n) => n.address },
            { header: 'heartbeat', cell: (n) => ago(n.lastHeartbeatAt, now) },
          ]),
        );
      }),
    );
  node
    .command('show')
    .description('Show one node: its resources, allocation and instances')
    .argument('<id>', 'node id')
    .action(
      act(io, async (ctx, cmd) => {
        const [id] = cmd.args;
        const [{ nodes }, { capacity }, { apps }] = await Promise.all([
          ctx.api.request(NodesQuery),
          ctx.api.request(CapacityQuery),
          ctx.api.request(NodeInstancesQuery),
        ]);
        const n = nodes.find((x) => x.id === id);
        if (!n) throw new CliError(`no node ${id} (mammoth node ls lists them)`);
        const cap = capacity.nodes.find((c) => c.nodeId === id) ?? null;
        const instances = apps.flatMap((a) => a.instances.filter((i) => i.nodeId === id));
        ctx.print({ ...n, capacity: cap, instances }, () => {
          const head = record([
            ['ID', n.id],
            ['Status', n.status],
            ['Hostname', n.hostname],
            ['Address', n.address],
            ['Driver', n.driver],
            ['Labels', n.labels.map((l) => `${l.key}=${l.value}`).join(', ')],
            ['Ports', `${n.portFrom}-${n.portTo}${cap ? ` (${cap.ports.used} used)` : ''}`],
            ['CPU allocated', cap ? ratio(cap.allocated.cpus, n.cpus, round) : n.cpus],
            ['Memory allocated', cap ? ratio(cap.allocated.memoryMiB, n.memoryMiB, mib) : mib(n.memoryMiB)],
            ['Registered', n.registeredAt],
            ['Last heartbeat', ago(n.lastHeartbeatAt, io.now())],
          ]);
          const rows = table(instances, [
            { header: 'instance', cell: (i) => i.id },
            { header: 'app', cell: (i) => i.app },
            { header: 'state', cell: (i) => i.state },
            { header: 'health', cell: (i) => i.health },
            { header: 'port', cell: (i) => i.port },
          ]);
          return `${head}\nInstances:\n${rows}`;
        });
      }),
    );
  return node;
}
