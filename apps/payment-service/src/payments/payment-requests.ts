import { z } from 'zod';
import { normalizePaymentMethod } from './domain/test-cards';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const MAX_AMOUNT = 99_999_999;
/** Payment metadata: at most 20 keys of 1–40 characters, values of at most 500 (as Stripe's). */
export const METADATA_LIMITS = { keys: 20, keyLength: 40, valueLength: 500 } as const;

const amount = z.number({ error: 'must be an integer number of minor units' })
  .int('must be an integer number of minor units')
  .positive('must be greater than 0')
  .max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`);

export const createPaymentSchema = z
  .object({
    orderId: z.string().trim().min(1).max(100),
    amount,
    currency: z
      .string()
      .transform((c) => c.toUpperCase())
      .refine((c) => CURRENCIES.has(c), 'must be an ISO 4217 currency code'),
    paymentMethod: z
      .string()
      .max(64)
      .transform((m, ctx) => {
        const normalized = normalizePaymentMethod(m);
        if (!normalized) ctx.addIssue({ code: 'custom', message: 'is not a test card or token (see the README)' });
        return normalized ?? z.NEVER;
      }),
    captureMethod: z.enum(['automatic', 'manual']).default('automatic'),
    metadata: z
      .record(
        z.string().min(1, 'keys must not be empty').max(METADATA_LIMITS.keyLength, `keys must be at most ${METADATA_LIMITS.keyLength} characters`),
        z.string().max(METADATA_LIMITS.valueLength, `values must be at most ${METADATA_LIMITS.valueLength} characters`),
      )
      .refine((m) => Object.keys(m).length <= METADATA_LIMITS.keys, `has more than ${METADATA_LIMITS.keys} keys`)
      .default({}),
  })
  .strict();

export type CreatePaymentRequest = z.infer<typeof createPaymentSchema>;

export const captureSchema = z.object({ amount: amount.optional() }).strict();
export const refundSchema = z.object({ amount: amount.optional() }).strict();
export const cancelSchema = z.object({}).strict();
