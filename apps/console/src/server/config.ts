import { z } from 'zod';

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** The console server's settings (from the environment `npm start` and compose give it); read with the apps' loadConfig. */
export const configSchema = z.object({
  CONSOLE_PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  PAYMENT_SERVICE_URL: url.default('http://127.0.0.1:3001'),
  WEBHOOK_DISPATCHER_URL: url.default('http://127.0.0.1:3002'),
  ORDER_SERVICE_URL: url.default('http://127.0.0.1:3003'),
  /** The journey page reads a payment's events with it (GET only); never sent to the browser. */
  PAYMENT_API_KEY: z.string().min(16, 'must be at least 16 characters'),
});

export type ConsoleConfig = z.infer<typeof configSchema>;
