import { Fetch, RemoteAccessReviewer } from './access-review';

/** answering is a fake control plane: each call gets the next answer (a GraphQL body, or an error to throw). */
function answering(...answers: (object | Error)[]) {
  const calls: { url: string; authorization: string }[] = [];
  const fetchFn: Fetch = async (url, init) => {
    calls.push({ url, authorization: (init.headers as Record<string, string>).authorization });
    const next = answers.shift();
    if (!next || next instanceof Error) throw next ?? new Error('no more answers');
    return { status: 200, json: async () => next };
  };
  return { calls, fetchFn };
}

describe('RemoteAccessReviewer', () => {
  it('refuses a call without a bearer token without asking anyone', async () => {
    const cp = answering();
    const r = new RemoteAccessReviewer(['http://cp'], cp.fetchFn);
    expect(await r.review(undefined, 'metrics:read')).toEqual({
      allowed: false,
      status: 401,
      reason: 'no token: send Authorization: Bearer <token>',
    });
    expect(await r.review('Basic abc', 'metrics:read')).toMatchObject({ status: 401 });
    expect(cp.calls).toEqual([]);
  });

  it("asks canI with the caller's own token and maps the answer to 200, 401 or 403", async () => {
    const cp = answering(
      { data: { canI: true } },
      { data: { canI: false } },
      { data: null, errors: [{ message: 'the token is not valid', extensions: { code: 'UNAUTHENTICATED' } }] },
    );
    const r = new RemoteAccessReviewer(['http://cp'], cp.fetchFn);
    expect(await r.review('Bearer a', 'metrics:read')).toEqual({ allowed: true });
    expect(await r.review('Bearer b', 'metrics:read')).toEqual({
      allowed: false,
      status: 403,
      reason: 'the token lacks the capability metrics:read',
    });
    expect(await r.review('Bearer c', 'metrics:read')).toEqual({
      allowed: false,
      status: 401,
      reason: 'the token is not valid',
    });
    expect(cp.calls.map((c) => [c.url, c.authorization])).toEqual([
      ['http://cp/graphql', 'Bearer a'],
      ['http://cp/graphql', 'Bearer b'],
      ['http://cp/graphql', 'Bearer c'],
    ]);
  });

  it('reuses an answer for a while per token, then asks again', async () => {
    let now = 0;
    const cp = answering({ data: { canI: true } }, { data: { canI: false } });
    const r = new RemoteAccessReviewer(['http://cp'], cp.fetchFn, () => now);
    await r.review('Bearer a', 'metrics:read');
    now = 9_000;
    expect(await r.review('Bearer a', 'metrics:read')).toEqual({ allowed: true });
    expect(cp.calls).toHaveLength(1);
    now = 10_001;
    expect(await r.review('Bearer a', 'metrics:read')).toMatchObject({ allowed: false, status: 403 });
    expect(cp.calls).toHaveLength(2);
  });

  it('tries the next control plane when one does not answer, and fails closed (503, not cached) when none does', async () => {
    const cp = answering(new Error('connect ECONNREFUSED'), { data: { canI: true } });
    const r = new RemoteAccessReviewer(['http://a', 'http://b'], cp.fetchFn);
    expect(await r.review('Bearer a', 'metrics:read')).toEqual({ allowed: true });
    const down = answering(new Error('connect ECONNREFUSED'), { data: { canI: true } });
    const alone = new RemoteAccessReviewer(['http://a'], down.fetchFn);
    expect(await alone.review('Bearer a', 'metrics:read')).toEqual({
      allowed: false,
      status: 503,
      reason: 'cannot check the token: http://a: connect ECONNREFUSED',
    });
    expect(await alone.review('Bearer a', 'metrics:read')).toEqual({ allowed: true });
  });
});
