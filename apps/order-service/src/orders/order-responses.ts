import { z } from 'zod';
import { ORDER_STATUSES } from './domain/order-state';

export const orderSchema = z.object({
  id: z.string(),
  status: z.enum(ORDER_STATUSES),
  amount: z.number().int().meta({ description: 'Total in minor units' }),
  currency: z.string(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPrice: z.number().int() })),
  paymentId: z.string().nullable(),
  failureCode: z.string().nullable(),
  amountRefunded: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const orderChangeSchema = z.object({
  status: z.enum(ORDER_STATUSES),
  cause: z.string().meta({ description: 'order.placed, a payment event type, reconciliation, …' }),
  detail: z.string().nullable().meta({ description: 'Why, where the cause needs it (a payment that did not match, a request set aside)' }),
  eventId: z.string().nullable(),
  webhookId: z.string().nullable(),
  paymentVersion: z.number().int().nullable(),
  at: z.iso.datetime(),
});

export const orderWithHistorySchema = orderSchema.extend({ history: z.array(orderChangeSchema) });

export const orderListSchema = z.object({ data: z.array(orderSchema) });

export type Order = z.infer<typeof orderSchema>;
export type OrderChange = z.infer<typeof orderChangeSchema>;
