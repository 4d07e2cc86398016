import type { Request, Response } from 'express';
import { graphiqlRedirect } from './graphiql-redirect';

function call(accept: string | undefined, query: Record<string, string> = {}): { redirected?: string; next: boolean } {
  const seen: { redirected?: string; next: boolean } = { next: false };
  const req = { headers: accept ? { accept } : {}, query } as unknown as Request;
  const res = { redirect: (_status: number, to: string) => (seen.redirected = to) } as unknown as Response;
  graphiqlRedirect(req, res, () => (seen.next = true));
  return seen;
}

describe('graphiqlRedirect', () => {
  it('sends a browser opening /graphql to GraphiQL', () => {
    expect(call('text/html,application/xhtml+xml,*/*;q=0.8')).toEqual({ redirected: '/graphiql', next: false });
  });

  it('leaves API clients to the GraphQL server', () => {
    expect(call('application/json')).toEqual({ next: true });
    expect(call(undefined)).toEqual({ next: true });
  });

  it('leaves a GET query to the GraphQL server even from a browser', () => {
    expect(call('text/html', { query: '{ apps { name } }' })).toEqual({ next: true });
  });
});
