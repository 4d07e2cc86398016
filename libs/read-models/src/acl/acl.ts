import { AnyTableModel, TableModel } from '../row-store/table';

/** TokenRow is one row of rm_tokens: a token without its secret or the secret's hash. */
export interface TokenRow {
  token_id: string;
  subject: string;
  policies: string[];
  expires_at: string | null;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

/** PolicyRow is one row of rm_policies: a policy put and not deleted. */
export interface PolicyRow {
  name: string;
  rules: unknown;
  updated_at: string;
  updated_by: string;
}

const TOKEN_EVENTS = ['TokenCreated', 'TokenRevoked'] as const;
const POLICY_EVENTS = ['PolicyPut', 'PolicyDeleted'] as const;

/** tokensTable folds a token's creation and revocation into rm_tokens. */
export const tokensTable: TableModel<TokenRow, (typeof TOKEN_EVENTS)[number]> = {
  table: 'rm_tokens',
  columns: {
    token_id: 'text',
    subject: 'text',
    policies: 'jsonb',
    expires_at: 'timestamptz',
    created_at: 'timestamptz',
    created_by: 'text',
    revoked_at: 'timestamptz',
  },
  key: ['token_id'],
  handles: TOKEN_EVENTS,
  keyOf: (e) => [e.event.data.tokenId],
  evolve: (row, e) => {
    switch (e.event.type) {
      case 'TokenCreated': {
        const d = e.event.data;
        return {
          token_id: d.tokenId,
          subject: d.subject,
          policies: d.policies,
          expires_at: d.expiresAt,
          created_at: e.metadata.timestamp,
          created_by: e.metadata.actor,
          revoked_at: null,
        };
      }
      case 'TokenRevoked':
        return row && { ...row, revoked_at: e.metadata.timestamp };
    }
  },
};

/** policiesTable folds puts and deletions into rm_policies. */
export const policiesTable: TableModel<PolicyRow, (typeof POLICY_EVENTS)[number]> = {
  table: 'rm_policies',
  columns: { name: 'text', rules: 'jsonb', updated_at: 'timestamptz', updated_by: 'text' },
  key: ['name'],
  handles: POLICY_EVENTS,
  keyOf: (e) => [e.event.data.name],
  evolve: (_row, e) => {
    switch (e.event.type) {
      case 'PolicyPut':
        return {
          name: e.event.data.name,
          rules: e.event.data.rules,
          updated_at: e.metadata.timestamp,
          updated_by: e.metadata.actor,
        };
      case 'PolicyDeleted':
        return null;
    }
  },
};

/** ACL_TABLES are the tokens and policies read models, folded from the acl events. */
export const ACL_TABLES: readonly AnyTableModel[] = [tokensTable, policiesTable];
