import { Query, Resolver } from '@nestjs/graphql';
import { Authenticated } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { WhoamiModel } from '../../identity.model';

/** WhoamiResolver tells a caller who its token says it is. */
@Resolver(() => WhoamiModel)
export class WhoamiResolver {
  @Query(() => WhoamiModel, { description: 'The caller: its subject, token id and policies.' })
  @Authenticated()
  whoami(@Caller() caller: Principal): WhoamiModel {
    return { subject: caller.subject, tokenId: caller.tokenId, policies: [...caller.policies] };
  }
}
