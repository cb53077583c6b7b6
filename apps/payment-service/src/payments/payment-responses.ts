import { PAYMENT_EVENT_TYPES, paymentSnapshotSchema } from '@payhook/contracts';
import { z } from 'zod';

export const paymentListSchema = z.object({ data: z.array(paymentSnapshotSchema) });

/** One event of a payment's stream as stored (its domain fields, not the webhook envelope). */
export const storedPaymentEventSchema = z.object({
  id: z.string(),
  type: z.enum(PAYMENT_EVENT_TYPES),
  version: z.number().int().meta({ description: 'Position in the payment stream, from 1' }),
  data: z.record(z.string(), z.unknown()).meta({ description: 'What the event recorded: amounts, failure code, refund id…' }),
  createdAt: z.iso.datetime(),
});

export const paymentEventListSchema = z.object({ data: z.array(storedPaymentEventSchema) });
