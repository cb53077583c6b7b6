import { timingSafeEqual, createHash } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** True when `given` equals `expected`, in time that does not depend on where they differ. */
export function constantTimeEquals(given: string, expected: string): boolean {
  // Hashing first makes both sides the same length, so the length is not leaked either.
  return timingSafeEqual(digest(given), digest(expected));
}

/** Injection token of the key BearerAuthGuard compares against. */
export const API_KEY = Symbol('API_KEY');

/**
 * Requires `Authorization: Bearer <key>`; 401 in the common error shape otherwise.
 * Put on management controllers with @UseGuards; /health and /docs stay open.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(@Inject(API_KEY) private readonly apiKey: string) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = /^Bearer (.+)$/.exec(header ?? '');
    if (!match) throw new ApiError(401, 'missing_api_key', 'Send the API key as "Authorization: Bearer <key>".');
    if (!constantTimeEquals(match[1], this.apiKey)) throw new ApiError(401, 'invalid_api_key', 'The API key is not valid.');
    return true;
  }
}
