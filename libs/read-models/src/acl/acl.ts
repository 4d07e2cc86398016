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

/** JoinTokenRow is one row of rm_join_tokens: a node join token without its secret or the secret's hash. */
export interface JoinTokenRow {
  token_id: string;
  expires_at: string;
  labels: Record<string, string>;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  used_at: string | null;
  node_id: string | null;
  credential_id: string | null;
}

const TOKEN_EVENTS = ['TokenCreated', 'TokenRevoked'] as const;
const POLICY_EVENTS = ['PolicyPut', 'PolicyDeleted'] as const;
const JOIN_TOKEN_EVENTS = ['JoinTokenCreated', 'JoinTokenRevoked', 'JoinTokenUsed'] as const;

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

/** joinTokensTable folds a join token's creation, revocation and use into rm_join_tokens. */
export const joinTokensTable: TableModel<JoinTokenRow, (typeof JOIN_TOKEN_EVENTS)[number]> = {
  table: 'rm_join_tokens',
  columns: {
    token_id: 'text',
    expires_at: 'timestamptz',
    labels: 'jsonb',
    created_at: 'timestamptz',
    created_by: 'text',
    revoked_at: 'timestamptz',
    used_at: 'timestamptz',
    node_id: 'text',
    credential_id: 'text',
  },
  key: ['token_id'],
  handles: JOIN_TOKEN_EVENTS,
  keyOf: (e) => [e.event.data.tokenId],
  evolve: (row, e) => {
    switch (e.event.type) {
      case 'JoinTokenCreated': {
        const d = e.event.data;
        return {
          token_id: d.tokenId,
          expires_at: d.expiresAt,
          labels: d.labels,
          created_at: e.metadata.timestamp,
          created_by: e.metadata.actor,
          revoked_at: null,
          used_at: null,
          node_id: null,
          credential_id: null,
        };
      }
      case 'JoinTokenRevoked':
        return row && { ...row, revoked_at: e.metadata.timestamp };
      case 'JoinTokenUsed':
        return (
          row && {
            ...row,
            used_at: e.metadata.timestamp,
            node_id: e.event.data.nodeId,
            credential_id: e.event.data.credentialId,
          }
        );
    }
  },
};

/** ACL_TABLES are the tokens, policies and join tokens read models, folded from the acl events. */
export const ACL_TABLES: readonly AnyTableModel[] = [tokensTable, policiesTable, joinTokensTable];
