import { paymentEventSchema } from '@payhook/contracts';
import { z } from 'zod';

export const eventTypeListSchema = z.object({
  data: z.array(
    z.object({
      type: z.string(),
      description: z.string(),
      schema: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema (draft 2020-12) of the webhook body' }),
      example: paymentEventSchema,
    }),
  ),
});
