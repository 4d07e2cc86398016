import { Args, Query, Resolver } from '@nestjs/graphql';
import { DomainError, evolveNode, initialNodeState } from '@mammoth/domain';
import { NodeEvent, streamIds } from '@mammoth/events';
import { LoadedStream, PgEventStore } from '@mammoth/event-store';
import { Requires } from '@mammoth/platform';
import { DomainException } from '../../../../common/domain.exception';
import { toHealthCheckModel } from '../../../apps/health-check.graphql';
import { toIsolationModel } from '../../../apps/isolation.graphql';
import { NodeAssignmentsModel } from '../../node.model';

/** NodeAssignmentsResolver serves node daemons their desired state, folded from their node streams. */
@Resolver(() => NodeAssignmentsModel)
export class NodeAssignmentsResolver {
  constructor(private readonly store: PgEventStore) {}

  @Query(() => NodeAssignmentsModel, {
    description: "A node's desired instances and its stream version (for node daemons).",
  })
  @Requires('nodes:assignments', (a) => a.nodeId)
  async nodeAssignments(@Args('nodeId') nodeId: string): Promise<NodeAssignmentsModel> {
    return toAssignmentsModel(nodeId, await this.store.readStream(streamIds.node(nodeId)));
  }

  @Query(() => [NodeAssignmentsModel], {
    description: `Several nodes' desired instances in one read (for a process running many hollow nodes).`,
  })
  @Requires('nodes:assignments', (a) => a.nodeIds)
  async nodesAssignments(
    @Args('nodeIds', { type: () => [String] }) nodeIds: string[],
  ): Promise<NodeAssignmentsModel[]> {
    if (nodeIds.length > MAX_NODES_PER_READ)
      throw new DomainException(DomainError.invalid('nodeIds', `at most ${MAX_NODES_PER_READ} per call`));
    const loaded = await this.store.readStreams(nodeIds.map((id) => streamIds.node(id)));
    return nodeIds.map((id) => toAssignmentsModel(id, loaded.get(streamIds.node(id))!));
  }
}

/** MAX_NODES_PER_READ bounds one nodesAssignments call. */
const MAX_NODES_PER_READ = 1000;

/** toAssignmentsModel folds a node stream into the desired state a node daemon fetches. */
function toAssignmentsModel(nodeId: string, s: LoadedStream): NodeAssignmentsModel {
  const state = s.events.reduce((st, e) => evolveNode(st, e.event as NodeEvent), initialNodeState());
  const assignments = state.status === 'registered' ? [...state.assignments.values()] : [];
  return {
    nodeId,
    version: s.version,
    registered: state.status === 'registered' && state.condition !== 'removed',
    assignments: assignments.map((a) => ({
      instanceId: a.instanceId,
      app: a.app,
      port: a.port,
      cpuMillis: a.resources.cpuMillis,
      memoryMiB: a.resources.memoryMiB,
      diskMiB: a.resources.diskMiB,
      env: Object.entries(a.env).map(([name, value]) => ({ name, value })),
      package: a.package,
      healthCheck: toHealthCheckModel(a.healthCheck),
      isolation: toIsolationModel(a.isolation),
    })),
  };
}
