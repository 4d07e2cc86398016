import { EndpointUnreachableError, Endpoints } from './endpoints';

/** GraphQLRequestError is a GraphQL answer with errors, carrying the first error's code and field. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly field: string | undefined,
  ) {
    super(message);
  }
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/**
 * GraphQLClient posts queries to the control plane's `/graphql`, failing over along its endpoints when one is unreachable;
 * transport failures and GraphQL errors both throw.
 */
export class GraphQLClient {
  constructor(
    private readonly endpoints: Endpoints,
    private readonly timeoutMs = 10000,
    private readonly token: string | null = null,
  ) {}

  request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return this.endpoints.call((baseUrl) => this.post<T>(new URL('/graphql', baseUrl).toString(), query, variables));
  }

  private async post<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeader(this.token) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((err: Error & { cause?: { code?: string; message?: string } }) => {
      throw new EndpointUnreachableError(`${url} unreachable: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
    });
    const text = await res.text();
    let answer: GraphQLAnswer<T>;
    try {
      answer = JSON.parse(text) as GraphQLAnswer<T>;
    } catch {
      throw new Error(`${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    const [first] = answer.errors ?? [];
    if (first) {
      const { code, field } = first.extensions ?? {};
      throw new GraphQLRequestError(
        `${first.message}${code ? ` [${code}${field ? ` ${field}` : ''}]` : ''}`,
        code,
        field,
      );
    }
    if (!res.ok || answer.data == null) throw new Error(`${url} answered HTTP ${res.status} without data`);
    return answer.data;
  }
}

/** authHeader is the Authorization header for a bearer token, or none. */
export function authHeader(token: string | null): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** REFUSED_CODES are GraphQL error codes that sending the same request again cannot fix. */
const REFUSED_CODES = new Set([
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
]);

/** isRefused tells a request the server refused for good from one that may succeed when retried. */
export function isRefused(err: unknown): boolean {
  return err instanceof GraphQLRequestError && REFUSED_CODES.has(err.code ?? '');
}
