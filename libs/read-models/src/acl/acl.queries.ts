import { Queryable, selectRows } from '../row-store/rows';
import { JoinTokenRow, joinTokensTable, PolicyRow, policiesTable, TokenRow, tokensTable } from './acl';

/** listTokens reads every token, revoked ones included, oldest first; no secret or secret hash is in the table. */
export function listTokens(db: Queryable): Promise<TokenRow[]> {
  return selectRows<TokenRow>(db, tokensTable, 'ORDER BY t.created_at, t.token_id');
}

/** listPolicies reads every policy put and not deleted, by name. */
export function listPolicies(db: Queryable): Promise<PolicyRow[]> {
  return selectRows<PolicyRow>(db, policiesTable, 'ORDER BY t.name');
}

/** listJoinTokens reads every join token, used and revoked ones included, oldest first; no secret or hash is in the table. */
export function listJoinTokens(db: Queryable): Promise<JoinTokenRow[]> {
  return selectRows<JoinTokenRow>(db, joinTokensTable, 'ORDER BY t.created_at, t.token_id');
}
