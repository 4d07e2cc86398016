import { createHash } from 'node:crypto';
import type { Capability } from '@mammoth/domain';

/** Review is the control plane's answer about a presented token: allowed, or refused with the HTTP status to answer. */
export type Review =
  { readonly allowed: true } | { readonly allowed: false; readonly status: 401 | 403 | 503; readonly reason: string };

/** AccessReviewer checks that the caller presenting `authorization` holds `capability` on the cluster. */
export interface AccessReviewer {
  review(authorization: string | undefined, capability: Capability): Promise<Review>;
}

/** ALLOWED_TTL_MS and REFUSED_TTL_MS are how long an answer is reused (a revocation reaches /metrics within ALLOWED_TTL_MS). */
const ALLOWED_TTL_MS = 10_000;
const REFUSED_TTL_MS = 2_000;
const MAX_CACHED = 1_000;
const ANSWER_MS = 5_000;

/** Fetch is the part of the global fetch a RemoteAccessReviewer uses (tests give a fake). */
export type Fetch = (url: string, init: RequestInit) => Promise<Pick<Response, 'status' | 'json'>>;

/**
 * RemoteAccessReviewer asks the control plane whether a token holds a capability (`canI`, sent with the caller's own
 * token, as a kubelet delegates /metrics to a TokenReview and SubjectAccessReview), trying each control plane in turn,
 * and reuses an answer for a few seconds per token digest. It fails closed: with no control plane answering, 503.
 */
export class RemoteAccessReviewer implements AccessReviewer {
  private readonly cache = new Map<string, { review: Review; until: number }>();

  constructor(
    private readonly controlPlaneUrls: readonly string[],
    private readonly fetchFn: Fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  async review(authorization: string | undefined, capability: Capability): Promise<Review> {
    if (!authorization || !/^Bearer\s+\S+$/i.test(authorization))
      return { allowed: false, status: 401, reason: 'no token: send Authorization: Bearer <token>' };
    const key = `${capability} ${createHash('sha256').update(authorization).digest('hex')}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.review;
    const review = await this.ask(authorization, capability);
    if (review.allowed || review.status !== 503) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { review, until: this.now() + (review.allowed ? ALLOWED_TTL_MS : REFUSED_TTL_MS) });
    }
    return review;
  }

  private async ask(authorization: string, capability: Capability): Promise<Review> {
    let lastError = 'no control plane configured (CONTROL_PLANE_URL)';
    for (const base of this.controlPlaneUrls) {
      try {
        const res = await this.fetchFn(new URL('/graphql', base).toString(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ query: 'query($c: String!) { canI(capability: $c) }', variables: { c: capability } }),
          signal: AbortSignal.timeout(ANSWER_MS),
        });
        const body = (await res.json()) as {
          data?: { canI?: boolean } | null;
          errors?: { message: string; extensions?: { code?: string } }[];
        };
        const error = body.errors?.[0];
        if (error?.extensions?.code === 'UNAUTHENTICATED')
          return { allowed: false, status: 401, reason: error.message };
        if (error) throw new Error(error.message);
        if (body.data?.canI === true) return { allowed: true };
        return { allowed: false, status: 403, reason: `the token lacks the capability ${capability}` };
      } catch (err) {
        lastError = `${base}: ${(err as Error).message}`;
      }
    }
    return { allowed: false, status: 503, reason: `cannot check the token: ${lastError}` };
  }
}
