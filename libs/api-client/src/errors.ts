/** ApiError is an error Mammoth answered with: the reason, its typed code (extensions.code) and the field it names. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
    readonly operation?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** ConnectionError means nothing usable answered at the address: Mammoth is down, or the address is wrong. */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach Mammoth at ${url}: ${reason}`);
    this.name = 'ConnectionError';
  }
}

/** GraphQLErrorBody is one entry of a GraphQL response's `errors`. */
export interface GraphQLErrorBody {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: unknown; field?: unknown };
}

/** apiErrorOf turns a GraphQL error entry into an ApiError, keeping its code, field and the API field it came from. */
export function apiErrorOf(e: GraphQLErrorBody, operation?: string): ApiError {
  const code = typeof e.extensions?.code === 'string' ? e.extensions.code : 'ERROR';
  const field = typeof e.extensions?.field === 'string' ? e.extensions.field : undefined;
  const op = typeof e.path?.[0] === 'string' ? e.path[0] : operation;
  return new ApiError(e.message, code, field, op);
}
