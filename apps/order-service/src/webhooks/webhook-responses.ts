import { z } from 'zod';
import { ORDER_STATUSES } from '../orders/domain/order-state';

/** What the receiver answers a verified webhook (2xx whatever the outcome: sending it again would not change it). */
export const webhookResultSchema = z.discriminatedUnion('result', [
  z.object({ result: z.literal('applied'), status: z.enum(ORDER_STATUSES) }),
  z.object({ result: z.literal('stale').meta({ description: 'Older than what the order has' }) }),
  z.object({ result: z.literal('mismatch'), reason: z.string().meta({ description: 'Not the order\'s payment (id, amount or currency): recorded, nothing changed' }) }),
  z.object({ result: z.literal('duplicate').meta({ description: 'This webhook-id was applied before' }) }),
  z.object({ result: z.literal('quarantined'), reason: z.string() }),
]);

export const rotatedRegistrationSchema = z.object({ endpointId: z.string(), previousSecretExpiresAt: z.iso.datetime() });
