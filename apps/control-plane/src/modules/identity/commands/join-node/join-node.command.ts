import { Command } from '@nestjs/cqrs';
import { NodeCredentialModel } from '../../identity.model';

/** JoinNodeCommand enrols node `nodeId` with a one-time join token, which it consumes. */
export class JoinNodeCommand extends Command<NodeCredentialModel> {
  constructor(
    readonly nodeId: string,
    readonly joinToken: string,
  ) {
    super();
  }
}
