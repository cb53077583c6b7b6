import { z } from 'zod';
import { DELIVERY_STATUSES } from './delivery-requests';

export const deliverySchema = z.object({
  id: z.string().meta({ description: 'Also the webhook-id header of every attempt', example: 'msg_01JD5Z8Q3W7K2M9N4P6R8T0V2X' }),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
});

export const attemptSchema = z.object({
  attemptedAt: z.iso.datetime(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
  responseBody: z.string().nullable().meta({ description: "The reply's first bytes as UTF-8 text (U+FFFD where they are not UTF-8)" }),
  responseBodyBase64: z.string().nullable().meta({ description: 'The same bytes exactly, base64-encoded' }),
});

export const deliveryWithAttemptsSchema = deliverySchema.extend({ attemptLog: z.array(attemptSchema) });

export const deliveryListSchema = z.object({ data: z.array(deliverySchema) });

export const recoveredSchema = z.object({ recovered: z.number().int().meta({ description: 'How many deliveries were queued again' }) });

export type Delivery = z.infer<typeof deliverySchema>;
export type Attempt = z.infer<typeof attemptSchema>;
