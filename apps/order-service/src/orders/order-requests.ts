import { z } from 'zod';
import { ORDER_STATUSES } from './domain/order-state';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const minorUnits = (what: string) =>
  z
    .number({ error: `must be an integer ${what}` })
    .int(`must be an integer ${what}`);

export const placeOrderSchema = z
  .object({
    items: z
      .array(
        z
          .object({
            sku: z.string().trim().min(1, 'is required').max(64),
            quantity: minorUnits('quantity').positive('must be greater than 0').max(1000),
            unitPrice: minorUnits('number of minor units').positive('must be greater than 0').max(10_000_000),
          })
          .strict(),
      )
      .min(1, 'must hold at least one item')
      .max(100),
    currency: z
      .string()
      .transform((c) => c.toUpperCase())
      .refine((c) => CURRENCIES.has(c), 'must be an ISO 4217 currency code'),
    // payment-service judges the card; here only its shape: a card number or a token.
    paymentMethod: z
      .string()
      .regex(/^(tok_[A-Za-z0-9_]{1,60}|[0-9][0-9 -]{10,22}[0-9])$/, 'must be a card number or a tok_ token (see the test cards)'),
  })
  .strict()
  .refine((o) => o.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0) <= 99_999_999, {
    message: 'the order total must be at most 99999999 minor units',
    path: ['items'],
  });

export const listOrdersQuery = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

export type PlaceOrderRequest = z.infer<typeof placeOrderSchema>;
export type ListOrdersQuery = z.infer<typeof listOrdersQuery>;
