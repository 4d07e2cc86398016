import type { ApolloServerPlugin } from '@apollo/server';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { DocumentNode, GraphQLError, GraphQLSchema, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ApiConfig } from './api.config';

/** depthRule refuses an operation nested deeper than GRAPHQL_MAX_DEPTH (introspection's __schema aside), naming the limit. */
export function depthRule(config: Pick<ApiConfig, 'maxDepth'>): ValidationRule {
  return maxDepthRule({
    n: config.maxDepth,
    propagateOnRejection: false,
    onReject: [
      (ctx, err) =>
        ctx?.reportError(
          new GraphQLError(`${err.message.replace(/^Syntax Error: /, '')} (GRAPHQL_MAX_DEPTH)`, {
            extensions: { code: 'QUERY_TOO_DEEP' },
          }),
        ),
    ],
  });
}

/** complexityError is the error for an operation costlier than GRAPHQL_MAX_COMPLEXITY, or null when it is within it. */
export function complexityError(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined | null,
  config: Pick<ApiConfig, 'maxComplexity'>,
): GraphQLError | null {
  const complexity = getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName: operationName ?? undefined,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
  if (complexity <= config.maxComplexity) return null;
  return new GraphQLError(
    `Query complexity ${complexity} exceeds the limit of ${config.maxComplexity} (GRAPHQL_MAX_COMPLEXITY)`,
    { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } },
  );
}

/** COMPLEXITY_CACHE_PER_DOCUMENT bounds how many variable sets one document's verdicts are kept for. */
const COMPLEXITY_CACHE_PER_DOCUMENT = 64;

/**
 * complexityPlugin checks every HTTP operation's complexity once it is parsed and validated, before it runs. Apollo hands
 * the same DocumentNode for the same query text (its document cache), so each verdict is kept per document, operation and
 * variables: a repeated read does not walk its query again.
 */
export function complexityPlugin(config: Pick<ApiConfig, 'maxComplexity'>): ApolloServerPlugin {
  const verdicts = new WeakMap<DocumentNode, Map<string, GraphQLError | null>>();
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ request, document, schema }) => {
        let byCall = verdicts.get(document);
        if (!byCall) verdicts.set(document, (byCall = new Map()));
        const key = `${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
        let err = byCall.get(key);
        if (err === undefined) {
          err = complexityError(schema, document, request.variables, request.operationName, config);
          if (byCall.size >= COMPLEXITY_CACHE_PER_DOCUMENT) byCall.clear();
          byCall.set(key, err);
        }
        if (err) throw err;
      },
    }),
  };
}

/**
 * noStorePlugin marks every answer `cache-control: no-store`, as Apollo's cache-control plugin does for a schema without
 * cache hints (Mammoth's has none), without that plugin's hook on every resolved field.
 */
export function noStorePlugin(): ApolloServerPlugin {
  return {
    requestDidStart: async () => ({
      willSendResponse: async ({ response }) => void response.http.headers.set('cache-control', 'no-store'),
    }),
  };
}
