import { HealthCheck, Isolation, makeEvent, NodeEvent, NodeRegistered, PackageRef, Resources } from '@mammoth/events';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { Decision, DomainError, exhaustive } from '../shared/errors';
import { add, sub, ZERO } from '../shared/resources';
import { checkInt, firstError } from '../shared/validation';

/** NodeInfo is what a node said about itself when it registered. */
export type NodeInfo = z.infer<typeof NodeRegistered.schema>;

/** Assignment is an instance a node has been told to run. */
export interface Assignment {
  readonly instanceId: string;
  readonly app: string;
  readonly package: PackageRef;
  readonly resources: Resources;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  /** healthCheck, when present, is what the node runs against the instance to tell whether it is healthy. */
  readonly healthCheck?: HealthCheck;
  /** isolation, when present, confines the instance's container (absent: the bridge network, the image's user). */
  readonly isolation?: Isolation;
}

/** NodeCondition is what the failure detector last decided about a registered node. */
export type NodeCondition = 'ready' | 'lost' | 'removed';

/** NodeState is the fold of a node stream: unknown until registered, then its facts, its assignments and its condition. */
export type NodeState =
  | { readonly status: 'unknown' }
  | {
      readonly status: 'registered';
      readonly info: NodeInfo;
      readonly assignments: ReadonlyMap<string, Assignment>;
      readonly allocated: Resources;
      readonly usedPorts: ReadonlySet<number>;
      readonly condition: NodeCondition;
      /** lostAt is when the node was declared lost (null unless lost). */
      readonly lostAt: string | null;
      /** lostInstances are the assignments the node had when it was last lost and still has: stale once their apps replaced them. */
      readonly lostInstances: ReadonlySet<string>;
    };

/** RegisterNode is a node daemon announcing its machine. */
export interface RegisterNode {
  readonly type: 'RegisterNode';
  readonly info: NodeInfo;
}

export type NodeCommand = RegisterNode;

export const initialNodeState = (): NodeState => ({ status: 'unknown' });

/** evolveNode folds one node event into the state. */
export function evolveNode(state: NodeState, event: NodeEvent): NodeState {
  switch (event.type) {
    case 'NodeRegistered':
      if (state.status === 'unknown' || state.condition === 'removed') return registeredNode(event.data);
      return { ...state, info: event.data };
    case 'InstanceAssigned': {
      if (state.status !== 'registered') return state;
      const a = event.data;
      const assignments = new Map(state.assignments).set(a.instanceId, a);
      return {
        ...state,
        assignments,
        allocated: add(state.allocated, a.resources),
        usedPorts: new Set(state.usedPorts).add(a.port),
      };
    }
    case 'InstanceUnassigned': {
      if (state.status !== 'registered') return state;
      const a = state.assignments.get(event.data.instanceId);
      if (!a) return state;
      const assignments = new Map(state.assignments);
      assignments.delete(a.instanceId);
      const usedPorts = new Set(state.usedPorts);
      usedPorts.delete(a.port);
      const lostInstances = without(state.lostInstances, a.instanceId);
      return { ...state, assignments, allocated: sub(state.allocated, a.resources), usedPorts, lostInstances };
    }
    case 'NodeLost':
      if (state.status !== 'registered') return state;
      return { ...state, condition: 'lost', lostAt: event.data.at, lostInstances: new Set(state.assignments.keys()) };
    case 'NodeRecovered':
      if (state.status !== 'registered') return state;
      return { ...state, condition: 'ready', lostAt: null };
    case 'NodeRemoved':
      if (state.status !== 'registered') return state;
      return { ...registeredNode(state.info), condition: 'removed' };
    default:
      return exhaustive(event);
  }
}

/** registeredNode is a registered node as it stands right after registration: ready, holding `assignments` (none by default). */
export function registeredNode(
  info: NodeInfo,
  assignments: readonly Assignment[] = [],
): Extract<NodeState, { status: 'registered' }> {
  return {
    status: 'registered',
    info,
    assignments: new Map(assignments.map((a) => [a.instanceId, a])),
    allocated: assignments.reduce((sum, a) => add(sum, a.resources), ZERO),
    usedPorts: new Set(assignments.map((a) => a.port)),
    condition: 'ready',
    lostAt: null,
    lostInstances: new Set(),
  };
}

/** NODE_ID is a node id: 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit. */
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** checkNodeId validates a node id, naming the field. */
export function checkNodeId(field: string, nodeId: string): DomainError | null {
  return NODE_ID.test(nodeId) ? null : DomainError.invalid(field, `"${nodeId}" is not a valid node id`);
}

/** decideNode validates a registration; re-registering with unchanged facts writes nothing. */
export function decideNode(cmd: NodeCommand, state: NodeState): Decision<NodeEvent> {
  const { info } = cmd;
  const invalid = firstError(
    checkNodeId('nodeId', info.nodeId),
    checkInt('capacity.cpuMillis', info.capacity.cpuMillis, 1),
    checkInt('capacity.memoryMiB', info.capacity.memoryMiB, 1),
    checkInt('capacity.diskMiB', info.capacity.diskMiB, 0),
    checkInt('portRange.from', info.portRange.from, 1024, 65535),
    checkInt('portRange.to', info.portRange.to, info.portRange.from, 65535),
  );
  if (invalid) return invalid;
  if (state.status === 'registered' && state.condition !== 'removed' && isDeepStrictEqual(state.info, info)) return [];
  return [makeEvent('NodeRegistered', info)];
}

/** without returns the set minus one member, the same set when it is not a member (most nodes were never lost). */
function without(set: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (!set.has(id)) return set;
  const copy = new Set(set);
  copy.delete(id);
  return copy;
}
