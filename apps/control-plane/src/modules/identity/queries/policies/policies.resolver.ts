import { Query, Resolver } from '@nestjs/graphql';
import { Pool } from 'pg';
import { BUILTIN_POLICIES } from '@mammoth/domain';
import { PolicyRule } from '@mammoth/events';
import { Requires } from '@mammoth/platform';
import { listPolicies } from '@mammoth/read-models';
import { PolicyModel } from '../../identity.model';

/** PoliciesResolver lists the built-in policies and those in the policies read model. */
@Resolver(() => PolicyModel)
export class PoliciesResolver {
  constructor(private readonly pool: Pool) {}

  @Query(() => [PolicyModel], { description: 'Every policy: the built-in ones, then the others by name.' })
  @Requires('policies:read')
  async policies(): Promise<PolicyModel[]> {
    const builtin = [...BUILTIN_POLICIES].map(([name, rules]) => ({ name, rules: plain(rules), builtin: true }));
    const put = await listPolicies(this.pool);
    return [
      ...builtin,
      ...put.map((p) => ({
        name: p.name,
        rules: plain(p.rules as PolicyRule[]),
        builtin: false,
        updatedAt: p.updated_at,
      })),
    ];
  }
}

function plain(rules: readonly PolicyRule[]): PolicyRule[] {
  return rules.map((r) => ({ capabilities: [...r.capabilities], resources: [...r.resources] }));
}
