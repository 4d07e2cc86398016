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

/** complexityPlugin checks every HTTP operation's complexity once it is parsed and validated, before it runs. */
export function complexityPlugin(config: Pick<ApiConfig, 'maxComplexity'>): ApolloServerPlugin {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ request, document, schema }) => {
        const err = complexityError(schema, document, request.variables, request.operationName, config);
        if (err) throw err;
      },
    }),
  };
}
