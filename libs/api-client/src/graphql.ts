import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env';

/** graphql parses an operation typed against Mammoth's schema (libs/api-client/schema.graphql); JSON is unknown. */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { JSON: unknown };
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
