import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { Assignment, NodeInfo } from '@mammoth/domain';
import { Isolation } from '@mammoth/events';
import { NodeSnapshot, SnapshotSource } from '../desired-state';
import { EndpointUnreachableError, Endpoints } from './endpoints';
import { authHeader, GraphQLClient } from './graphql-client';
import { fromWireHealthCheck, HEALTH_CHECK_FIELDS, WireHealthCheck } from './wire-health-check';

/** InstanceState is what a node daemon reports about one instance. */
export type InstanceState = 'running' | 'exited' | 'failed' | 'stopped';

/** InstanceReport is one state change of an instance, as reportInstances takes it; the control plane treats repeats as no-ops. */
export interface InstanceReport {
  readonly instanceId: string;
  readonly app: string;
  readonly nodeId: string;
  readonly state: InstanceState;
  readonly containerId?: string;
  readonly exitCode?: number;
  readonly reason?: string;
  /** health, on a running report, is the health check's verdict on that container. */
  readonly health?: { readonly healthy: boolean; readonly message: string };
  /** exitedAt and nextAttemptAt, on an exited report, say when it exited and when the node will restart it (ISO times). */
  readonly exitedAt?: string;
  readonly nextAttemptAt?: string;
}

/** WireAssignment is an Assignment as the nodeAssignments query returns it. */
interface WireAssignment {
  instanceId: string;
  app: string;
  port: number;
  cpuMillis: number;
  memoryMiB: number;
  diskMiB: number;
  env: { name: string; value: string }[];
  package: { name: string; version: string; digest: string; imageRef: string };
  healthCheck?: WireHealthCheck | null;
  isolation?: { network: string; user?: string | null; readOnlyRootFs?: boolean | null } | null;
}

const REGISTER = `mutation Register($input: RegisterNodeInput!) { registerNode(input: $input) { id } }`;
const REPORT = `mutation Report($reports: [InstanceReportInput!]!) { reportInstances(reports: $reports) }`;
/** ASSIGNMENT_FIELDS are the fields of one node's desired state, as both snapshot queries return it. */
const ASSIGNMENT_FIELDS = `nodeId version registered
    assignments { instanceId app port cpuMillis memoryMiB diskMiB env { name value } package { name version digest imageRef } ${HEALTH_CHECK_FIELDS}
    isolation { network user readOnlyRootFs } }`;
const ASSIGNMENTS = `query Assignments($nodeId: String!) { nodeAssignments(nodeId: $nodeId) { ${ASSIGNMENT_FIELDS} } }`;
const MANY_ASSIGNMENTS = `query ManyAssignments($nodeIds: [String!]!) { nodesAssignments(nodeIds: $nodeIds) { ${ASSIGNMENT_FIELDS} } }`;

/** fromWireAssignment maps the API's flat Assignment onto the domain's. */
export function fromWireAssignment(a: WireAssignment): Assignment {
  return {
    instanceId: a.instanceId,
    app: a.app,
    port: a.port,
    resources: { cpuMillis: a.cpuMillis, memoryMiB: a.memoryMiB, diskMiB: a.diskMiB },
    env: Object.fromEntries(a.env.map((e) => [e.name, e.value])),
    package: { ...a.package, format: 'image' },
    ...(a.healthCheck ? { healthCheck: fromWireHealthCheck(a.healthCheck) } : {}),
    ...(a.isolation ? { isolation: fromWireIsolation(a.isolation) } : {}),
  };
}

/** fromWireIsolation maps the API's Isolation (NetworkMode BRIDGE or HOST, nulls for unset) onto the domain's. */
function fromWireIsolation(i: NonNullable<WireAssignment['isolation']>): Isolation {
  return {
    network: i.network.toLowerCase() === 'host' ? 'host' : 'bridge',
    ...(i.user ? { user: i.user } : {}),
    ...(i.readOnlyRootFs == null ? {} : { readOnlyRootFs: i.readOnlyRootFs }),
  };
}

/**
 * ControlPlaneClient is the node daemon's view of the control plane: registration, reports, its snapshot and package blobs,
 * from any of the control planes' base URLs (failing over when one is unreachable).
 */
export class ControlPlaneClient implements SnapshotSource {
  private readonly endpoints: Endpoints;
  private readonly gql: GraphQLClient;

  constructor(
    baseUrls: readonly string[],
    private readonly nodeId: string,
    timeoutMs?: number,
    private readonly token: string | null = null,
  ) {
    this.endpoints = new Endpoints(baseUrls);
    this.gql = new GraphQLClient(this.endpoints, timeoutMs, token);
  }

  async registerNode(info: NodeInfo): Promise<string> {
    const input = {
      nodeId: info.nodeId,
      hostname: info.hostname,
      address: info.address,
      cpus: info.capacity.cpuMillis / 1000,
      memoryMiB: info.capacity.memoryMiB,
      diskMiB: info.capacity.diskMiB,
      portFrom: info.portRange.from,
      portTo: info.portRange.to,
      labels: Object.entries(info.labels).map(([key, value]) => ({ key, value })),
      driver: info.driver,
      ...(info.metricsPort === undefined ? {} : { metricsPort: info.metricsPort }),
    };
    const data = await this.gql.request<{ registerNode: { id: string } }>(REGISTER, { input });
    return data.registerNode.id;
  }

  async reportInstances(reports: readonly InstanceReport[]): Promise<number> {
    const data = await this.gql.request<{ reportInstances: number }>(REPORT, { reports });
    return data.reportInstances;
  }

  fetchSnapshot(): Promise<NodeSnapshot> {
    return this.fetchSnapshotOf(this.nodeId);
  }

  /** fetchSnapshotOf fetches any node's assignments; a process of many hollow nodes asks for each of them. */
  async fetchSnapshotOf(nodeId: string): Promise<NodeSnapshot> {
    const data = await this.gql.request<{
      nodeAssignments: { version: number; registered: boolean; assignments: WireAssignment[] };
    }>(ASSIGNMENTS, { nodeId });
    const n = data.nodeAssignments;
    return { version: n.version, registered: n.registered, assignments: n.assignments.map(fromWireAssignment) };
  }

  /** fetchSnapshotsOf fetches several nodes' assignments in one call, by node id. */
  async fetchSnapshotsOf(nodeIds: readonly string[]): Promise<Map<string, NodeSnapshot>> {
    const data = await this.gql.request<{
      nodesAssignments: { nodeId: string; version: number; registered: boolean; assignments: WireAssignment[] }[];
    }>(MANY_ASSIGNMENTS, { nodeIds });
    return new Map(
      data.nodesAssignments.map((n) => [
        n.nodeId,
        { version: n.version, registered: n.registered, assignments: n.assignments.map(fromWireAssignment) },
      ]),
    );
  }

  /** openBlob streams a package blob (a docker save tarball); the caller verifies its digest. */
  openBlob(digest: string): Promise<Readable> {
    return this.endpoints.call(async (baseUrl) => {
      const url = new URL(`/packages/blobs/${digest}`, baseUrl);
      const res = await fetch(url, {
        headers: authHeader(this.token),
        signal: AbortSignal.timeout(10 * 60 * 1000),
      }).catch((err: Error) => {
        throw new EndpointUnreachableError(`GET ${url}: ${err.message}`);
      });
      if (!res.ok || !res.body) throw new Error(`GET ${url} answered HTTP ${res.status}`);
      return Readable.fromWeb(res.body as ReadableStream<Uint8Array>);
    });
  }
}
