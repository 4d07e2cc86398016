import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideInstance, evolveInstance, initialInstanceState } from '@mammoth/domain';
import { InstanceEvent, streamIds } from '@mammoth/events';
import { PgEventStore, StreamWrite } from '@mammoth/event-store';
import { AggregateRepository } from '../../../../scheduling/aggregate-repository';
import { orThrow } from '../../../../common/domain.exception';
import { ReportInstancesCommand } from './report-instances.command';

/**
 * ReportInstancesHandler folds each instance stream, decides each report, and appends the whole batch atomically. A batch
 * may carry reports of many nodes (a fleet of hollow nodes merges them): each instance's events name its own node as actor.
 */
@CommandHandler(ReportInstancesCommand)
export class ReportInstancesHandler implements ICommandHandler<ReportInstancesCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly store: PgEventStore,
  ) {}

  execute({ reports, ctx }: ReportInstancesCommand): Promise<number> {
    return this.repo.retrying(async () => {
      const loaded = await this.store.readStreams([...new Set(reports.map((r) => streamIds.instance(r.instanceId)))]);
      const writes = new Map<string, StreamWrite>();
      const states = new Map<string, ReturnType<typeof initialInstanceState>>();
      for (const report of reports) {
        const streamId = streamIds.instance(report.instanceId);
        const stream = loaded.get(streamId)!;
        const state =
          states.get(streamId) ??
          stream.events.reduce((s, e) => evolveInstance(s, e.event as InstanceEvent), initialInstanceState());
        const events = orThrow(decideInstance(report, state)) as InstanceEvent[];
        states.set(streamId, events.reduce(evolveInstance, state));
        const w = writes.get(streamId) ?? { streamId, expectedVersion: stream.version, events: [] };
        w.events.push(...events);
        writes.set(streamId, w);
      }
      const all = [...writes.values()];
      await this.repo.append(all, ctx);
      return all.reduce((n, w) => n + w.events.length, 0);
    });
  }
}
