import { z } from 'zod';

/** Every event type payment-service publishes, in the order a payment can meet them. */
export const PAYMENT_EVENT_TYPES = [
  'payment.created',
  'payment.succeeded',
  'payment.requires_capture',
  'payment.failed',
  'payment.canceled',
  'payment.refunded',
] as const;

export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

export const PAYMENT_STATUSES = [
  'processing',
  'requires_capture',
  'succeeded',
  'failed',
  'canceled',
  'refunded',
  'partially_refunded',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const paymentSnapshotSchema = z.object({
  id: z.string().min(1),
  orderId: z.string().min(1),
  amount: z.number().int().positive(),
  currency: z.string().length(3),
  status: z.enum(PAYMENT_STATUSES),
  captureMethod: z.enum(['automatic', 'manual']),
  amountCaptured: z.number().int().nonnegative(),
  amountRefunded: z.number().int().nonnegative(),
  failureCode: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  /** Version of the payment's event stream after this event: consumers order by it. */
  version: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type PaymentSnapshot = z.infer<typeof paymentSnapshotSchema>;

/** The envelope of every payment event, on Kafka and in webhook bodies alike. */
export const paymentEventSchema = z.object({
  id: z.string().min(1),
  type: z.enum(PAYMENT_EVENT_TYPES),
  createdAt: z.string(),
  data: z.object({ object: paymentSnapshotSchema }),
});

export type PaymentEvent = z.infer<typeof paymentEventSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validates an unknown value (a parsed Kafka message or webhook body) as a payment event. */
export function parsePaymentEvent(value: unknown): ParseResult<PaymentEvent> {
  const result = paymentEventSchema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, error: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
}

export function isPaymentEventType(value: string): value is PaymentEventType {
  return (PAYMENT_EVENT_TYPES as readonly string[]).includes(value);
}
