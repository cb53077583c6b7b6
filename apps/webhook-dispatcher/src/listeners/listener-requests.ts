import { z } from 'zod';
import { eventTypes } from '../endpoints/endpoint-requests';

export const openListenerSchema = z.object({ eventTypes: eventTypes.optional() }).strict();

/** A listener's report of its local POST: the status its receiver answered, or why there was none. */
export const listenerReportSchema = z
  .object({
    deliveryId: z.string().min(1).max(100),
    statusCode: z.number().int().min(100).max(599).optional(),
    error: z.string().max(1000).optional(),
    durationMs: z.number().int().min(0).max(86_400_000),
    responseBodyBase64: z.base64().max(16_384).optional().meta({ description: "The first bytes of the local receiver's answer, base64 (the dispatcher keeps WEBHOOK_RESPONSE_MAX_BYTES of them)" }),
  })
  .strict()
  .refine((report) => (report.statusCode === undefined) !== (report.error === undefined), 'must give either statusCode or error');

export type OpenListenerRequest = z.infer<typeof openListenerSchema>;
export type ListenerReportRequest = z.infer<typeof listenerReportSchema>;
