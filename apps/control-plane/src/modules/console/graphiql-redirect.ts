import type { NextFunction, Request, Response } from 'express';

/** graphiqlRedirect sends a browser that opens /graphql (HTML wanted, no query) to the console's GraphiQL. */
export function graphiqlRedirect(req: Request, res: Response, next: NextFunction): void {
  const wantsPage = (req.headers.accept ?? '').includes('text/html') && req.query.query === undefined;
  if (wantsPage) res.redirect(302, '/graphiql');
  else next();
}
