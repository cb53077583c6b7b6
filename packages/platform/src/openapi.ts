import { applyDecorators, Body, Query } from '@nestjs/common';
import { ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe } from './validation';

/** The one error shape of every Payhook API, as a schema for the API documents. */
export const errorBodySchema = z
  .object({
    error: z.object({
      type: z.string().meta({ description: 'Broad class: invalid_request_error, authentication_error, not_found_error, conflict_error, rate_limit_error, api_error' }),
      code: z.string().meta({ description: 'Stable, machine-readable reason, such as invalid_request or endpoint_not_found' }),
      message: z.string().meta({ description: 'For a person' }),
      details: z.unknown().optional(),
    }),
  });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed (bad JSON, a missing or invalid field)',
  401: 'No API key, or a wrong one',
  404: 'No such object',
  409: 'The object is in a state that does not allow this, or the idempotency key was used with another body',
  413: 'The body is over the size limit',
  415: 'The body is not application/json',
  422: 'Well-formed but refused (an unknown event type, a target that is not allowed)',
  429: 'Too many requests',
};

/** Documents the error answers a route can give, each with the error shape (those of every route are added by `addCommonErrors`). */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error', standardSchema: errorBodySchema })),
  );
}

/** A JSON body validated by `schema` (400 naming the first bad field) and documented from it. */
export function ZodBody(schema: z.ZodType, options: { allowEmpty?: boolean } = {}): ParameterDecorator {
  return Body({ schema, pipes: [new ZodPipe(schema, 'body', options.allowEmpty ?? false)] });
}

/** Query parameters validated by `schema` and documented from it. */
export function ZodQuery(schema: z.ZodType): ParameterDecorator {
  return Query({ schema, pipes: [new ZodPipe(schema, 'query')] });
}

/**
 * Turns the zod schemas of the routes into the JSON Schema (draft 2020-12) of an OpenAPI 3.1
 * document: requests as their input (before defaults and transforms), answers as their output.
 */
export function zodToOpenApi(schema: unknown, options: { schemaType: 'input' | 'output' }): { schema: unknown } | undefined {
  return schema instanceof z.ZodType ? { schema: jsonSchemaOf(schema, options.schemaType) } : undefined;
}

/** The JSON Schema of a zod schema, without the `$schema` line (an OpenAPI 3.1 document sets the dialect). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return json;
}

/**
 * The answers every route can give, whatever its own: 400 for input Postgres could not store
 * (a NUL, a lone surrogate, in the path, query or body; input-guard.ts) and, where a body is
 * sent, 413 over the size limit and 415 for a body that is not JSON (the body parser).
 */
export function addCommonErrors(document: OpenAPIObject): void {
  const errorAnswer = (status: number) => ({
    description: ERROR_DESCRIPTIONS[status],
    content: { 'application/json': { schema: jsonSchemaOf(errorBodySchema) } },
  });
  for (const operations of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = operations[method];
      if (!operation) continue;
      const statuses = method === 'get' || method === 'delete' ? [400] : [400, 413, 415];
      for (const status of statuses) operation.responses[String(status)] ??= errorAnswer(status);
    }
  }
}
