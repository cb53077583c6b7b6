import { secretKey } from '@payhook/webhook-signature';
import { z } from 'zod';

const url = z.string().trim().min(1, 'is required').max(2048, 'must be at most 2048 characters');
// Unknown type names are a 422 from the service, not a shape error.
export const eventTypes = z.array(z.string().min(1).max(100)).min(1, 'must name at least one event type').max(50);
const description = z.string().max(500, 'must be at most 500 characters');
const rateLimitPerSecond = z
  .number({ error: 'must be a whole number of requests per second' })
  .int('must be a whole number of requests per second')
  .positive('must be greater than 0')
  .max(10_000, 'must be at most 10000');

export const createEndpointSchema = z
  .object({
    url,
    eventTypes: eventTypes.optional(),
    description: description.optional(),
    secret: z
      .string()
      .refine((s) => secretKey(s) !== undefined, 'must be "whsec_" followed by the base64 of 24 to 64 random bytes')
      .optional(),
    rateLimitPerSecond: rateLimitPerSecond.optional(),
  })
  .strict();

export const updateEndpointSchema = z
  .object({
    url: url.optional(),
    eventTypes: eventTypes.nullable().optional(),
    description: description.nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
    rateLimitPerSecond: rateLimitPerSecond.nullable().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');

export type CreateEndpointRequest = z.infer<typeof createEndpointSchema>;
export type UpdateEndpointRequest = z.infer<typeof updateEndpointSchema>;
