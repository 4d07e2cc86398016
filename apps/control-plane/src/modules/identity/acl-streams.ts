import { Injectable } from '@nestjs/common';
import { Decision, DomainError } from '@mammoth/domain';
import { AclEvent } from '@mammoth/events';
import { AppendContext } from '@mammoth/event-store';
import { DomainException } from '../../common/domain.exception';
import { AggregateRepository, reducing } from '../../scheduling/aggregate-repository';
import { AclCache } from './acl-cache';

/** AclStreams is the one command path of the identity module: load an acl stream, decide, append at its version, apply. */
@Injectable()
export class AclStreams {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly acl: AclCache,
  ) {}

  /** handle runs one decision on one stream, retried on a version conflict, and returns the state it leaves. */
  handle<S>(
    streamId: string,
    initial: () => S,
    evolve: (s: S, e: AclEvent) => S,
    decide: (s: S) => Decision<AclEvent>,
    ctx: AppendContext,
  ): Promise<S> {
    return this.repo.retrying(async () => {
      const { state, version } = await this.repo.load(streamId, initial, reducing(evolve));
      const events = decide(state);
      if (events instanceof DomainError) throw new DomainException(events);
      if (events.length === 0) return state;
      await this.repo.append([{ streamId, expectedVersion: version, events: [...events] }], ctx);
      this.acl.applyCommitted(streamId, version, events);
      return events.reduce(evolve, state);
    });
  }
}
