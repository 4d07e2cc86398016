import { Args, Int, Query, Resolver, Subscription } from '@nestjs/graphql';
import { DomainError } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { DomainException } from '../../../common/domain.exception';
import { abortable } from '../../../common/abortable';
import { LbConfigListener } from './lb-config.listener';
import { LbConfigModel } from './lb-config.model';
import { LbConfigReader } from './lb-config.reader';

/** LbConfigResolver serves the load-balancer configuration: the newest version, one version, and every version as it is rendered. */
@Resolver(() => LbConfigModel)
export class LbConfigResolver {
  constructor(
    private readonly reader: LbConfigReader,
    private readonly live: LbConfigListener,
  ) {}

  @Query(() => LbConfigModel, {
    name: 'lbConfig',
    nullable: true,
    description: 'The newest load-balancer configuration (null before the first).',
  })
  @Requires('cluster:read')
  latest(): Promise<LbConfigModel | null> {
    return this.reader.latest();
  }

  @Query(() => LbConfigModel, { nullable: true, description: 'One version of the load-balancer configuration.' })
  @Requires('cluster:read')
  lbConfigVersion(@Args('version', { type: () => Int }) version: number): Promise<LbConfigModel | null> {
    return this.reader.version(version);
  }

  @Subscription(() => LbConfigModel, {
    name: 'lbConfig',
    description:
      'Every version after `after`, in order, then each new one as it is rendered. A companion passes the last version it applied.',
    resolve: (v: LbConfigModel) => v,
  })
  @Requires('cluster:read')
  lbConfigFeed(
    @Args('after', { type: () => Int, defaultValue: 0 }) after: number,
  ): AsyncIterableIterator<LbConfigModel> {
    if (!Number.isInteger(after) || after < 0)
      throw new DomainException(DomainError.invalid('after', 'must be a version number (0 or more)'));
    const { reader, live } = this;
    return abortable(async function* (signal) {
      let cursor = after;
      while (!signal.aborted) {
        const seen = live.changed.count;
        const versions = await reader.after(cursor, 20);
        for (const v of versions) {
          if (signal.aborted) return;
          yield v;
          cursor = v.version;
        }
        if (versions.length < 20) await live.changed.next(1000, signal, seen);
      }
    });
  }
}
