import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideInstance, foldInstance, InstanceState } from '@mammoth/domain';
import { InstanceEvent, streamIds } from '@mammoth/events';
import { StreamWrite } from '@mammoth/event-store';
import { AggregateRepository } from '../../../../scheduling/aggregate-repository';
import { orThrow } from '../../../../common/domain.exception';
import { ReportInstancesCommand } from './report-instances.command';

/**
 * ReportInstancesHandler folds each instance stream, decides each report, and appends the whole batch atomically. A batch
 * may carry reports of many nodes (a fleet of hollow nodes merges them): each instance's events name its own node as actor.
 * Instance streams are written by reports alone, so they commit here rather than through the plan queue.
 */
@CommandHandler(ReportInstancesCommand)
export class ReportInstancesHandler implements ICommandHandler<ReportInstancesCommand> {
  constructor(private readonly repo: AggregateRepository) {}

  execute({ reports, ctx }: ReportInstancesCommand): Promise<number> {
    return this.repo.retrying(async () => {
      const loaded = await this.repo.loadInstances(reports.map((r) => r.instanceId));
      const writes = new Map<string, StreamWrite>();
      const states = new Map<string, InstanceState>();
      for (const report of reports) {
        const { state: folded, version } = loaded.get(report.instanceId)!;
        const state = states.get(report.instanceId) ?? folded;
        const events = orThrow(decideInstance(report, state)) as InstanceEvent[];
        states.set(report.instanceId, foldInstance(state, events));
        const streamId = streamIds.instance(report.instanceId);
        const w = writes.get(streamId) ?? { streamId, expectedVersion: version, events: [] };
        w.events.push(...events);
        writes.set(streamId, w);
      }
      const all = [...writes.values()];
      await this.repo.append(all, ctx);
      return all.reduce((n, w) => n + w.events.length, 0);
    });
  }
}
