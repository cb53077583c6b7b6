/**
 * `@payhook/testkit/webhooks`: what a team needs to test its own webhook consumer, and
 * nothing that starts Kafka or Postgres: a signed sender (good, forged, replayed, stale
 * webhooks), a recording receiver, and Standard Webhooks signing and verification.
 */
export { sendWebhook, type SendWebhookOptions, type SentWebhook } from './webhook-sender';
export { WebhookReceiver, type ReceivedWebhook, type Reply, type Responder } from './webhook-receiver';
export { generateSecret, signedHeaders, verify, type VerifyOptions, type VerifyResult } from '@payhook/webhook-signature';
