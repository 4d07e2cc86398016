import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { evolveNode, initialNodeState, InstanceRuntimeState, isValidUuid } from '@mammoth/domain';
import { NodeEvent, streamIds } from '@mammoth/events';
import { LoadedStream, PgEventStore } from '@mammoth/event-store';
import { newContext } from '../../../../common/command-context';
import { DomainException } from '../../../../common/domain.exception';
import { DomainError } from '@mammoth/domain';
import { toHealthCheckModel } from '../../../apps/health-check.graphql';
import { InstanceReportInput, RegisterNodeInput } from '../../node.inputs';
import { NodeAssignmentsModel, NodeModel } from '../../node.model';
import { RegisterNodeCommand } from '../../commands/register-node/register-node.command';
import { ReportInstancesCommand } from '../../commands/report-instances/report-instances.command';

/** NodesResolver serves node daemons (register, report, desired state) and the nodes query. */
@Resolver(() => NodeModel)
export class NodesResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly store: PgEventStore,
    private readonly pool: Pool,
  ) {}

  @Query(() => [NodeModel], { description: 'Every registered node, from the registry read model.' })
  async nodes(): Promise<NodeModel[]> {
    const r = await this.pool.query(
      `SELECT n.*, h.last_heartbeat_at FROM rm_nodes n LEFT JOIN rm_node_heartbeats h USING (node_id) ORDER BY n.node_id`,
    );
    return r.rows.map((n) => ({
      id: n.node_id,
      hostname: n.hostname,
      address: n.address,
      cpus: n.cpu_millis / 1000,
      memoryMiB: n.memory_mib,
      diskMiB: n.disk_mib,
      portFrom: n.port_from,
      portTo: n.port_to,
      labels: Object.entries(n.labels as Record<string, string>).map(([key, value]) => ({ key, value })),
      driver: n.driver,
      status: n.status,
      registeredAt: new Date(n.registered_at).toISOString(),
      lastHeartbeatAt: n.last_heartbeat_at ? new Date(n.last_heartbeat_at).toISOString() : undefined,
    }));
  }

  @Query(() => NodeAssignmentsModel, {
    description: "A node's desired instances and its stream version (for node daemons).",
  })
  async nodeAssignments(@Args('nodeId') nodeId: string): Promise<NodeAssignmentsModel> {
    return toAssignmentsModel(nodeId, await this.store.readStream(streamIds.node(nodeId)));
  }

  @Query(() => [NodeAssignmentsModel], {
    description: `Several nodes' desired instances in one read (for a process running many hollow nodes).`,
  })
  async nodesAssignments(
    @Args('nodeIds', { type: () => [String] }) nodeIds: string[],
  ): Promise<NodeAssignmentsModel[]> {
    if (nodeIds.length > MAX_NODES_PER_READ)
      throw new DomainException(DomainError.invalid('nodeIds', `at most ${MAX_NODES_PER_READ} per call`));
    const loaded = await this.store.readStreams(nodeIds.map((id) => streamIds.node(id)));
    return nodeIds.map((id) => toAssignmentsModel(id, loaded.get(streamIds.node(id))!));
  }

  @Mutation(() => NodeModel, { description: 'Register (or re-register) a machine.' })
  async registerNode(@Args('input') input: RegisterNodeInput): Promise<Partial<NodeModel>> {
    if (input.portTo < input.portFrom)
      throw new DomainException(DomainError.invalid('portTo', `must be at least portFrom (${input.portFrom})`));
    const labels = Object.fromEntries((input.labels ?? []).map((l) => [l.key, l.value]));
    const info = {
      nodeId: input.nodeId,
      hostname: input.hostname,
      address: input.address,
      capacity: { cpuMillis: Math.round(input.cpus * 1000), memoryMiB: input.memoryMiB, diskMiB: input.diskMiB },
      portRange: { from: input.portFrom, to: input.portTo },
      labels,
      driver: input.driver as 'docker' | 'sim',
    };
    await this.commands.execute(new RegisterNodeCommand(info, newContext(`node:${input.nodeId}`)));
    return {
      ...input,
      id: input.nodeId,
      labels: input.labels ?? [],
      status: 'ready',
      registeredAt: new Date().toISOString(),
    };
  }

  @Mutation(() => Int, {
    description: 'Record a batch of instance state reports; returns the number of events written.',
  })
  reportInstances(
    @Args('reports', { type: () => [InstanceReportInput] }) reports: InstanceReportInput[],
  ): Promise<number> {
    const bad = reports.find((r) => !isValidUuid(r.instanceId));
    if (bad) throw new DomainException(DomainError.invalid('instanceId', `"${bad.instanceId}" is not a UUID`));
    const ctx = newContext(`node:${reports[0]?.nodeId ?? 'unknown'}`);
    return this.commands.execute(
      new ReportInstancesCommand(
        reports.map((r) => ({
          type: 'ReportInstance' as const,
          instanceId: r.instanceId,
          app: r.app,
          nodeId: r.nodeId,
          state: r.state as Exclude<InstanceRuntimeState, 'unknown'>,
          containerId: r.containerId ?? null,
          exitCode: r.exitCode ?? null,
          reason: r.reason ?? null,
          health: r.health ?? null,
          // An exit is dated by its node when it says (reports may queue while the control plane is away), else on arrival.
          at: r.state === 'exited' ? (r.exitedAt ?? ctx.timestamp) : null,
          nextAttemptAt: r.nextAttemptAt ?? null,
        })),
        ctx,
      ),
    );
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
    })),
  };
}
