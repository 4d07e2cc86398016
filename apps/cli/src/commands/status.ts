import { Command } from 'commander';
import { StatusQuery } from '@mammoth/api-client';
import { act, Io } from '../context';
import { mib, ratio, round } from '../output/format';
import { record } from '../output/render';

/** statusCommand is `mammoth status`: the cluster at a glance. */
export function statusCommand(io: Io): Command {
  return new Command('status')
    .description('Show the cluster at a glance: nodes, apps, capacity, failure detector')
    .action(
      act(io, async (ctx) => {
        const s = await ctx.api.request(StatusQuery);
        const ready = s.nodes.filter((n) => n.status === 'ready').length;
        const healthy = s.apps.filter((a) => a.healthy >= a.desired).length;
        const rolling = s.apps.filter((a) => a.rollout).length;
        const pending = s.apps.reduce((n, a) => n + a.pending.count, 0);
        const t = s.capacity.totals;
        const fd = s.failureDetector;
        ctx.print(s, () =>
          record([
            ['Cluster', ctx.api.addr],
            ['Nodes', `${ready} ready of ${s.nodes.length}`],
            ['Apps', `${s.apps.length} (${healthy} healthy, ${rolling} rolling out)`],
            ['Pending instances', pending],
            ['CPU allocated', ratio(t.allocated.cpus, t.capacity.cpus, round)],
            ['Memory allocated', ratio(t.allocated.memoryMiB, t.capacity.memoryMiB, mib)],
            [
              'Failure detector',
              fd.enabled
                ? `${fd.active ? 'active' : 'standby'} (lost after ${fd.lostAfterMs} ms, ${fd.nodesHeard} nodes heard)`
                : 'off',
            ],
          ]),
        );
      }),
    );
}
