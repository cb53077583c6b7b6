import type { FastifyReply, FastifyRequest } from 'fastify';
import { LONE_SURROGATE } from './bytes';
import { ApiError, toErrorResponse } from './errors';

/** Deepest JSON nesting accepted; no Payhook body needs more than a few levels. */
export const MAX_JSON_DEPTH = 32;

export type InputProblem = 'nul' | 'lone_surrogate' | 'too_deep';

const LONE = new RegExp(LONE_SURROGATE.source);

function stringProblem(value: string): InputProblem | undefined {
  if (value.includes('\u0000')) return 'nul';
  if (LONE.test(value)) return 'lone_surrogate';
  return undefined;
}

/**
 * What in a parsed request value Postgres could not store (U+0000 in text; a lone
 * surrogate, whose escape jsonb refuses) or what is nested deeper than MAX_JSON_DEPTH.
 * Iterative, so no nesting depth can overflow the stack.
 */
export function inputProblem(root: unknown): InputProblem | undefined {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return problem;
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) return 'too_deep';
      for (const [key, inner] of Object.entries(value)) {
        const problem = stringProblem(key);
        if (problem) return problem;
        stack.push([inner, depth + 1]);
      }
    }
  }
  return undefined;
}

function decodedPath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0]);
  } catch {
    return undefined;
  }
}

/** A path that is not valid percent-encoding (also what Fastify's router refuses as FST_ERR_BAD_URL). */
export const INVALID_URL = new ApiError(400, 'invalid_url', 'The request path is not valid percent-encoding.');

const MESSAGES: Record<InputProblem, ApiError> = {
  nul: new ApiError(400, 'invalid_characters', 'The request contains a NUL (U+0000) character, which is not accepted.'),
  lone_surrogate: new ApiError(400, 'invalid_characters', 'The request contains a lone UTF-16 surrogate (\\ud800-\\udfff without its pair), which is not text.'),
  too_deep: new ApiError(400, 'too_deeply_nested', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`),
};

/**
 * A Fastify preHandler hook (the body is parsed by then) that refuses, as a 400, what would otherwise surface as a 500 deep in a query:
 * U+0000 and lone surrogates anywhere in the path, query or body, bodies nested absurdly
 * deep, and malformed percent-encoding. Webhook receivers (`/webhooks/…`) see the raw
 * bytes themselves, after checking the signature, so their bodies are left to them.
 */
export function rejectUnstorableInput(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const path = decodedPath(request.url);
  const receiver = request.url.startsWith('/webhooks/');
  const problem =
    path === undefined
      ? INVALID_URL
      : [path, request.query, receiver ? undefined : request.body].map(inputProblem).find(Boolean);
  if (!problem) return done();
  const { status, body } = toErrorResponse(problem instanceof ApiError ? problem : MESSAGES[problem]);
  void reply.status(status).send(body);
}
