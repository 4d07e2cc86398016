import { Injectable } from '@nestjs/common';
import { nodeOfSubject, nodeRestriction } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { ClusterState } from '../../infra/cluster-state';
import { AccessRequest, Authorizer } from '../../common/access/authorizer';
import { AclCache } from './acl-cache';

/**
 * NodeRestriction is the Authorizer of node identities (Kubernetes' NodeRestriction): a `node:<id>` caller registers,
 * reports and reads assignments only as node <id> and downloads only the package blobs assigned to it, and an enrolled
 * node is registered and reported only by its own credential.
 */
@Injectable()
export class NodeRestriction implements Authorizer {
  constructor(
    private readonly acl: AclCache,
    private readonly cluster: ClusterState,
  ) {}

  async refuse({ principal, capability, resources }: AccessRequest): Promise<string | null> {
    const reason = nodeRestriction(principal.subject, capability, resources, (id) => this.acl.enrolledAs(id));
    if (reason !== null) return reason;
    const self = nodeOfSubject(principal.subject);
    if (self === null || capability !== 'nodes:pull') return null;
    for (const digest of resources)
      if (!(await this.assigned(self, digest))) return `package ${digest} is not assigned to node ${self}`;
    return null;
  }

  /** assigned says whether the node runs an instance of the package; a miss re-reads its stream (a placement just made). */
  private async assigned(nodeId: string, digest: string): Promise<boolean> {
    const streamId = streamIds.node(nodeId);
    const holds = (): boolean => {
      const { state } = this.cluster.get(streamId);
      return state.status === 'registered' && [...state.assignments.values()].some((a) => a.package.digest === digest);
    };
    if (holds()) return true;
    await this.cluster.reload([streamId]);
    return holds();
  }
}
