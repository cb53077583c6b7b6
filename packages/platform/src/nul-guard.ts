import type { NextFunction, Request, Response } from 'express';
import { ApiError, toErrorResponse } from './errors';

/** True when a string, or any key or string inside arrays and objects, holds U+0000. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || containsNul(inner));
  }
  return false;
}

function decodedPath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0]);
  } catch {
    return undefined;
  }
}

/**
 * Postgres cannot store U+0000 in text, so a NUL anywhere in a request would surface as
 * a 500 deep in a query. Refuse it, and malformed percent-encoding, at the door as a 400.
 */
export function rejectNulCharacters(req: Request, res: Response, next: NextFunction): void {
  const path = decodedPath(req.originalUrl);
  const problem =
    path === undefined
      ? new ApiError(400, 'invalid_url', 'The request path is not valid percent-encoding.')
      : containsNul(path) || containsNul(req.query) || containsNul(req.body)
        ? new ApiError(400, 'invalid_characters', 'The request contains a NUL (U+0000) character, which is not accepted.')
        : undefined;
  if (!problem) return next();
  const { status, body } = toErrorResponse(problem);
  res.status(status).json(body);
}
