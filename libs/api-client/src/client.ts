import { DocumentNode, Kind, OperationDefinitionNode, print } from 'graphql';
import type { TadaDocumentNode } from 'gql.tada';
import { apiErrorOf, ApiError, ConnectionError, GraphQLErrorBody } from './errors';

/** UploadedPackage is what the package repository recorded for an upload. */
export interface UploadedPackage {
  name: string;
  version: string;
  digest: string;
  sizeBytes: number;
  imageRef: string;
  created: boolean;
}

/** VariablesArg makes the variables argument optional exactly when an operation has no required variable. */
export type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

/** ApiClientOptions says where Mammoth is and the bearer token to present (ignored by clusters without tokens). */
export interface ApiClientOptions {
  /** addr is the control plane's base URL, e.g. http://127.0.0.1:8080; empty means the page's own origin. */
  readonly addr: string;
  readonly token?: string | null;
}

const printed = new WeakMap<object, string>();

/** queryText prints a document once and remembers it. */
export function queryText(doc: object): string {
  let text = printed.get(doc);
  if (text === undefined) {
    text = print(doc as DocumentNode);
    printed.set(doc, text);
  }
  return text;
}

function operationName(doc: DocumentNode): string | undefined {
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return op?.name?.value;
}

/** ApiClient sends typed GraphQL operations and package uploads to one Mammoth, with its bearer token. */
export class ApiClient {
  readonly addr: string;
  readonly token: string | null;

  constructor(options: ApiClientOptions) {
    this.addr = options.addr.replace(/\/+$/, '');
    this.token = options.token || null;
  }

  /** wsUrl is where the graphql-ws subscriptions are served; a relative addr resolves against `base`. */
  wsUrl(base?: string): string {
    const url = new URL(`${this.addr}/graphql`, base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  /** authHeaders is the Authorization header when a token is set. */
  authHeaders(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  /** request runs a query or mutation and returns its data, or throws the first error as an ApiError. */
  async request<R, V>(doc: TadaDocumentNode<R, V>, ...[variables]: VariablesArg<V>): Promise<R> {
    const url = `${this.addr}/graphql`;
    const res = await this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...this.authHeaders() },
      body: JSON.stringify({ query: queryText(doc), variables: variables ?? {} }),
    });
    const body = await readJson<{ data?: R | null; errors?: GraphQLErrorBody[] }>(res, url);
    if (body.errors?.length) throw apiErrorOf(body.errors[0], operationName(doc));
    if (!res.ok || body.data == null) throw new ApiError(`HTTP ${res.status} from ${url}`, `HTTP_${res.status}`);
    return body.data;
  }

  /**
   * uploadPackage posts a multipart form (`file`, optional `name` and `version`) to the package repository;
   * `onProgress` is told the bytes sent so far (it streams the body, which browsers allow only over HTTP/2).
   */
  async uploadPackage(form: FormData, onProgress?: (sentBytes: number) => void): Promise<UploadedPackage> {
    const url = `${this.addr}/packages`;
    let init: RequestInit = { method: 'POST', body: form, headers: this.authHeaders() };
    if (onProgress) {
      const encoded = new Request(url, { method: 'POST', body: form });
      let sent = 0;
      const counted = encoded.body!.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            sent += chunk.byteLength;
            onProgress(sent);
            controller.enqueue(chunk);
          },
        }),
      );
      const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
      const streamed: RequestInit & { duplex: 'half' } = {
        method: 'POST',
        body: counted,
        headers: { ...this.authHeaders(), 'content-type': contentType },
        duplex: 'half',
      };
      init = streamed;
    }
    const res = await this.fetch(url, init);
    const body = await readJson<UploadedPackage & { error?: { code: string; message: string; field?: string } }>(
      res,
      url,
    );
    if (body.error) throw new ApiError(body.error.message, body.error.code, body.error.field, 'uploadPackage');
    if (!res.ok) throw new ApiError(`HTTP ${res.status} from ${url}`, `HTTP_${res.status}`);
    return body;
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ConnectionError(url, cause?.code ?? cause?.message ?? (err as Error).message);
    }
  }
}

async function readJson<T>(res: Response, url: string): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ConnectionError(url, `HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 120)}`);
  }
}
