import 'reflect-metadata';
import { serve } from '@payhook/platform';
import { createApp } from './app';
import { configSchema } from './config';

serve({
  service: 'webhook-dispatcher',
  schema: configSchema,
  create: createApp,
  listen: (config) => ({ port: config.WEBHOOK_DISPATCHER_PORT, host: config.HTTP_HOST }),
});
