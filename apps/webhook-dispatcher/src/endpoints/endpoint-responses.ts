import { z } from 'zod';

/** What the API answers about an endpoint; the OpenAPI document is generated from these. */
export const endpointSchema = z.object({
  id: z.string().meta({ example: 'ep_3f2b9c0d4e5f4a6b8c7d9e0f1a2b3c4d' }),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()).meta({ description: 'The event types it receives (every type when it was registered without a list)' }),
  status: z.enum(['enabled', 'disabled']),
  disabledReason: z.string().nullable(),
  rateLimitPerSecond: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const endpointWithSecretSchema = endpointSchema.extend({
  secret: z.string().meta({ description: 'The signing secret (whsec_…): shown on creation and rotation only' }),
});

export const endpointListSchema = z.object({ data: z.array(endpointSchema) });

export const rotatedSecretSchema = z.object({
  id: z.string(),
  secret: z.string(),
  previousSecretExpiresAt: z.iso.datetime().meta({ description: 'Until then webhooks carry a signature with the old secret too' }),
});

export type Endpoint = z.infer<typeof endpointSchema>;
