import type { PaymentSnapshot, PaymentStatus } from '@payhook/contracts';

/** Domain events of a payment stream: `type` is the public event type, `data` what changed. */
export type PaymentEvent =
  | {
      type: 'payment.created';
      data: {
        paymentId: string;
        orderId: string;
        amount: number;
        currency: string;
        paymentMethod: string;
        captureMethod: 'automatic' | 'manual';
        metadata: Record<string, string>;
      };
    }
  | { type: 'payment.succeeded'; data: { amountCaptured: number } }
  | { type: 'payment.requires_capture'; data: Record<string, never> }
  | { type: 'payment.failed'; data: { failureCode: string } }
  | { type: 'payment.canceled'; data: Record<string, never> }
  | { type: 'payment.refunded'; data: { refundId: string; amount: number } };

export type PaymentCommand =
  | { type: 'create'; data: Extract<PaymentEvent, { type: 'payment.created' }>['data'] }
  | { type: 'complete_processing' }
  | { type: 'capture'; amount?: number }
  | { type: 'cancel' }
  | { type: 'refund'; refundId: string; amount?: number };

export interface Payment {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  captureMethod: 'automatic' | 'manual';
  status: PaymentStatus;
  amountCaptured: number;
  amountRefunded: number;
  failureCode: string | null;
  metadata: Record<string, string>;
}

/** No events yet: the stream does not exist. */
export type PaymentState = Payment | null;

/** The public view of a payment at a version, as carried in events and API answers. */
export function toSnapshot(payment: Payment, version: number, createdAt: string, updatedAt: string): PaymentSnapshot {
  return {
    id: payment.id,
    orderId: payment.orderId,
    amount: payment.amount,
    currency: payment.currency,
    status: payment.status,
    captureMethod: payment.captureMethod,
    amountCaptured: payment.amountCaptured,
    amountRefunded: payment.amountRefunded,
    failureCode: payment.failureCode,
    metadata: payment.metadata,
    version,
    createdAt,
    updatedAt,
  };
}
