import { z } from 'zod';

export const DELIVERY_STATUSES = ['pending', 'held', 'delivered', 'failed', 'quarantined'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const listDeliveriesQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

/** GET /v1/deliveries: every endpoint's, filtered. */
export const searchDeliveriesQuery = listDeliveriesQuery.extend({
  endpointId: z.string().min(1).max(100).optional(),
  eventType: z.string().min(1).max(100).optional(),
  eventId: z.string().min(1).max(100).optional(),
});

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z' });

export const recoverSchema = z
  .object({ since: instant, until: instant.optional() })
  .strict()
  .refine((b) => !b.until || Date.parse(b.until) > Date.parse(b.since), { message: 'must be after since', path: ['until'] });

export const retrySchema = z.object({}).strict();

export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;
export type SearchDeliveriesQuery = z.infer<typeof searchDeliveriesQuery>;
export type RecoverRequest = z.infer<typeof recoverSchema>;
