import 'reflect-metadata';
import { serve } from '@payhook/platform';
import { createApp } from './app';
import { configSchema } from './config';

serve({
  service: 'payment-service',
  schema: configSchema,
  create: createApp,
  listen: (config) => ({ port: config.PAYMENT_SERVICE_PORT, host: config.HTTP_HOST }),
});
