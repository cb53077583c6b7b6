import { EVENT_TYPE_CATALOGUE } from '@payhook/contracts';
import type { OpenAPIObject } from '@nestjs/swagger';

const SIGNING_HEADERS = [
  {
    name: 'webhook-id',
    description: 'The delivery id (msg_…): the same on every attempt, so a receiver drops the ones it has seen',
    example: 'msg_01JD5Z8Q3W7K2M9N4P6R8T0V2X',
  },
  { name: 'webhook-timestamp', description: 'Seconds since the epoch when this attempt was signed; refuse one far from now', example: '1769860800' },
  {
    name: 'webhook-signature',
    description: 'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per active secret (Standard Webhooks)',
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  },
];

/**
 * The webhooks the dispatcher sends, as OpenAPI 3.1 `webhooks`: one POST per event type,
 * its signing headers and its body schema from the contracts' catalogue.
 */
export function addWebhooks(document: OpenAPIObject): void {
  (document as OpenAPIObject & { webhooks: Record<string, unknown> }).webhooks = Object.fromEntries(
    EVENT_TYPE_CATALOGUE.map((entry) => [
      entry.type,
      {
        post: {
          operationId: `webhook_${entry.type.replace(/\W/g, '_')}`,
          summary: entry.type,
          description: `${entry.description} Answer 2xx within the timeout once it is stored; any other answer is retried on the schedule.`,
          parameters: SIGNING_HEADERS.map((header) => ({ in: 'header', required: true, schema: { type: 'string' }, ...header })),
          requestBody: { required: true, content: { 'application/json': { schema: entry.schema, example: entry.example } } },
          responses: {
            '2XX': { description: 'Received: the delivery is done' },
            default: { description: 'Anything else (or no answer in time): retried later; 410 Gone disables the endpoint' },
          },
        },
      },
    ]),
  );
}
