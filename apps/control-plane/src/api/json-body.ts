import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * jsonBody parses JSON request bodies up to `limit` bytes (HTTP_MAX_BODY_BYTES) and answers a larger one with 413 and a
 * GraphQL-shaped error that names the limit, before anything reads it further.
 */
export function jsonBody(limit: number): RequestHandler {
  const parse = json({ limit });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: { type?: string; length?: number }) => {
      if (err?.type !== 'entity.too.large') return next(err);
      res.status(413).json({
        errors: [
          {
            message: `request body of ${err.length} bytes exceeds the limit of ${limit} bytes (HTTP_MAX_BODY_BYTES)`,
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
    });
}
