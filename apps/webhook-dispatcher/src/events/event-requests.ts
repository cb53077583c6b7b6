import { PAYMENT_EVENT_TYPES } from '@payhook/contracts';
import { z } from 'zod';

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z' });

export const listEventsQuery = z
  .object({
    since: instant.optional(),
    until: instant.optional(),
    type: z.enum(PAYMENT_EVENT_TYPES).optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(512).optional(),
  })
  .strict();

export type ListEventsQuery = z.infer<typeof listEventsQuery>;
