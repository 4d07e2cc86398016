import { Args, Query, Resolver } from '@nestjs/graphql';
import { Capability, CAPABILITIES, CLUSTER_RESOURCE, DomainError } from '@mammoth/domain';
import { Authenticated } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { DomainException } from '../../../../common/domain.exception';
import { Principal } from '../../../../common/access/principal';

/**
 * CanIResolver answers whether the caller's own token holds a capability on a resource (kubectl auth can-i); processes
 * that are not the control plane ask it with the token presented to them before they serve /metrics.
 */
@Resolver()
export class CanIResolver {
  @Query(() => Boolean, { description: "Whether the caller's token holds the capability on the resource ('*': all)." })
  @Authenticated()
  canI(
    @Caller() caller: Principal,
    @Args('capability') capability: string,
    @Args('resource', { defaultValue: CLUSTER_RESOURCE }) resource: string,
  ): boolean {
    if (!(CAPABILITIES as readonly string[]).includes(capability))
      throw new DomainException(
        DomainError.invalid('capability', `"${capability}" is no capability (known: ${CAPABILITIES.join(', ')})`),
      );
    return caller.allows(capability as Capability, resource);
  }
}
