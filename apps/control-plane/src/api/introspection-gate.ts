import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, Kind } from 'graphql';
import { AclCache } from '../modules/identity/acl-cache';

const INTROSPECTION = new Set(['__schema', '__type']);

/** introspects says whether an operation asks for the schema (`__schema` or `__type` at its root). */
export function introspects(document: DocumentNode): boolean {
  return document.definitions.some(
    (d) =>
      d.kind === Kind.OPERATION_DEFINITION &&
      d.selectionSet.selections.some((s) => s.kind === Kind.FIELD && INTROSPECTION.has(s.name.value)),
  );
}

/**
 * introspectionGate asks a valid token of an operation that reads the schema: introspection has no resolver of its own,
 * so the AccessGuard never sees it; any authenticated caller may read the schema (GraphiQL, the CLI's typing).
 */
export function introspectionGate(acl: AclCache): ApolloServerPlugin {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ request, document }) => {
        if (!introspects(document)) return;
        const auth = await acl.authenticate(request.http?.headers.get('authorization'));
        if (!auth.ok)
          throw new GraphQLError(auth.reason, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      },
    }),
  };
}
