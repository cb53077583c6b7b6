import { paymentEventSchema } from '@payhook/contracts';
import { z } from 'zod';

export const storedEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  receivedAt: z.iso.datetime(),
  publishedAt: z.iso.datetime().nullable(),
  event: paymentEventSchema.meta({ description: 'The event exactly as webhooks carry it' }),
});

export const eventsPageSchema = z.object({
  data: z.array(storedEventSchema),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last one' }),
});

export type EventsPage = z.infer<typeof eventsPageSchema>;
