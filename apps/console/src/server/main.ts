import { join } from 'node:path';
import { loadConfig } from '@payhook/platform/config';
import { configSchema, type ConsoleConfig } from './config';
import { createConsoleServer } from './server';

/** The console: `node apps/console/dist/main.js` (npm start and compose run it). */
let config: ConsoleConfig;
try {
  config = loadConfig(configSchema, process.env);
} catch (error) {
  process.stderr.write(`console: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const server = createConsoleServer(config, join(__dirname, 'web'));
server.on('error', (error) => {
  process.stderr.write(`console: cannot listen on ${config.HTTP_HOST}:${config.CONSOLE_PORT} (${(error as NodeJS.ErrnoException).code ?? error.message})\n`);
  process.exit(1);
});
server.listen(config.CONSOLE_PORT, config.HTTP_HOST, () => {
  process.stdout.write(`${JSON.stringify({ level: 'info', service: 'console', msg: `console on http://${config.HTTP_HOST}:${config.CONSOLE_PORT}` })}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
