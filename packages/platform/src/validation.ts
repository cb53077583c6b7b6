import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ApiError } from './errors';

/** Validates a request body (or query) with a zod schema; 400 naming the first bad field. */
export class ZodPipe<S extends z.ZodTypeAny> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly where: 'body' | 'query' = 'body',
    /** For bodies whose fields are all optional: no body at all reads as `{}`. */
    private readonly allowEmpty = false,
  ) {}

  transform(value: unknown): z.infer<S> {
    if (value === undefined && this.allowEmpty) value = {};
    if (this.where === 'body' && (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new ApiError(400, 'invalid_body', 'The request body must be a JSON object sent as application/json.');
    }
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const field = issue.path.join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.`
        : `${field || this.where}: ${issue.message}`;
    throw new ApiError(400, 'invalid_request', message, { field: field || undefined });
  }
}
