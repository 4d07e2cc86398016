import { randomUUID } from 'node:crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  BUILTIN_POLICIES,
  decideEnrolment,
  decideJoinToken,
  decideToken,
  DomainError,
  evolveEnrolment,
  evolveJoinToken,
  initialEnrolmentState,
  initialJoinTokenState,
  initialTokenState,
  NODE_POLICY,
  nodeSubject,
} from '@mammoth/domain';
import { AclEvent, streamIds } from '@mammoth/events';
import { AccessException } from '../../../../common/access/access.exception';
import { newContext } from '../../../../common/command-context';
import { orThrow } from '../../../../common/domain.exception';
import { AggregateRepository, reducing } from '../../../../scheduling/aggregate-repository';
import { AclCache } from '../../acl-cache';
import { NodeCredentialModel } from '../../identity.model';
import { newToken, parseJoinToken, secretMatches } from '../../token-secret';
import { JoinNodeCommand } from './join-node.command';

/**
 * JoinNodeHandler enrols a node: in one commit it consumes the join token (JoinTokenUsed), binds the node id to a new
 * credential (NodeEnrolled) and records that credential, a token of subject `node:<id>` with the built-in `node` policy
 * (TokenCreated); the expected versions make a second use of the token, or a second enrolment racing it, fail. A join
 * token that is not valid, used, revoked or expired is refused as UNAUTHENTICATED.
 */
@CommandHandler(JoinNodeCommand)
export class JoinNodeHandler implements ICommandHandler<JoinNodeCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly acl: AclCache,
  ) {}

  async execute({ nodeId, joinToken }: JoinNodeCommand): Promise<NodeCredentialModel> {
    const parsed = parseJoinToken(joinToken);
    if (!parsed)
      throw AccessException.unauthenticated('the join token is not a Mammoth join token (mmj_<id>_<secret>)');
    const subject = nodeSubject(nodeId);
    const ctx = newContext(subject);
    const joinStream = streamIds.joinToken(parsed.tokenId);
    const enrolStream = streamIds.enrolment(nodeId);
    const credentialId = randomUUID();
    const { token, secretHash } = newToken(credentialId);
    const labels = await this.repo.retrying(async () => {
      const join = await this.repo.load(joinStream, initialJoinTokenState, reducing(evolveJoinToken));
      if (join.state.status === 'absent' || !secretMatches(parsed.secret, join.state.secretHash))
        throw AccessException.unauthenticated('the join token is not valid');
      const used = decideJoinToken(
        { type: 'UseJoinToken', tokenId: parsed.tokenId, nodeId, credentialId, now: ctx.timestamp },
        join.state,
      );
      if (used instanceof DomainError && used.code === 'FAILED_PRECONDITION')
        throw AccessException.unauthenticated(used.message.replace(/^joinToken: /, ''));
      const joinLabels = join.state.labels;
      const enrol = await this.repo.load(enrolStream, initialEnrolmentState, reducing(evolveEnrolment));
      const enrolled = decideEnrolment(
        {
          nodeId,
          credentialId,
          joinTokenId: parsed.tokenId,
          labels: joinLabels,
          credentialUsable: (id) => this.acl.stillValid(id),
        },
        enrol.state,
      );
      const created = decideToken(
        {
          type: 'CreateToken',
          tokenId: credentialId,
          subject,
          policies: [NODE_POLICY],
          secretHash,
          ttlMs: null,
          now: ctx.timestamp,
          known: new Set(BUILTIN_POLICIES.keys()),
        },
        initialTokenState(),
      );
      const writes = [
        { streamId: joinStream, expectedVersion: join.version, events: [...orThrow<AclEvent>(used)] },
        { streamId: enrolStream, expectedVersion: enrol.version, events: [...orThrow<AclEvent>(enrolled)] },
        { streamId: streamIds.token(credentialId), expectedVersion: 0, events: [...orThrow<AclEvent>(created)] },
      ];
      await this.repo.append(writes, ctx);
      for (const w of writes) this.acl.applyCommitted(w.streamId, w.expectedVersion, w.events);
      return joinLabels;
    });
    return {
      nodeId,
      subject,
      tokenId: credentialId,
      credential: token,
      labels: Object.entries(labels).map(([key, value]) => ({ key, value })),
    };
  }
}
