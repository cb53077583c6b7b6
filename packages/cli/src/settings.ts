import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseEnv } from 'node:util';

/** Where the CLI finds the stack and its keys. */
export interface Settings {
  paymentServiceUrl: string;
  dispatcherUrl: string;
  orderServiceUrl: string;
  paymentApiKey: string;
  dispatcherApiKey: string;
}

/** `.env.example`'s values: with no file and no variable, the CLI talks to `npm start`'s stack. */
const DEFAULTS: Record<string, string> = {
  PAYMENT_SERVICE_PORT: '3001',
  WEBHOOK_DISPATCHER_PORT: '3002',
  ORDER_SERVICE_PORT: '3003',
  PAYMENT_API_KEY: 'sk_test_payhook_local_development',
  DISPATCHER_API_KEY: 'sk_test_dispatcher_local_development',
};

/** The nearest directory, from `start` up, holding a `.env.example` (the repository's root, when run inside it). */
function projectRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.env.example'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The stack's settings as `npm start` reads them: `.env.example` (the documented defaults),
 * then `.env` if present, in `root`, then the environment, each overriding the one before.
 */
export function stackEnvironment(root: string, processEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const file of ['.env.example', '.env']) {
    const path = join(root, file);
    if (existsSync(path)) Object.assign(merged, parseEnv(readFileSync(path, 'utf8')));
  }
  for (const [key, value] of Object.entries(processEnv)) if (value !== undefined) merged[key] = value;
  return merged;
}

/**
 * The CLI's settings: the stack's (stackEnvironment) from the nearest directory up that has
 * a `.env.example`, over the `npm start` defaults; a variable set empty counts as unset. The URLs come from PAYMENT_SERVICE_URL /
 * WEBHOOK_DISPATCHER_URL / ORDER_SERVICE_URL, or from 127.0.0.1 and the apps' ports.
 */
export function loadSettings(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Settings {
  // A variable set to nothing is not set: no URL, port or key is empty.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const merged = { ...DEFAULTS, ...stackEnvironment(projectRoot(cwd) ?? cwd, given) };
  const local = (port: string) => `http://127.0.0.1:${merged[port]}`;
  return {
    paymentServiceUrl: merged.PAYMENT_SERVICE_URL ?? local('PAYMENT_SERVICE_PORT'),
    dispatcherUrl: merged.WEBHOOK_DISPATCHER_URL ?? local('WEBHOOK_DISPATCHER_PORT'),
    orderServiceUrl: merged.ORDER_SERVICE_URL ?? local('ORDER_SERVICE_PORT'),
    paymentApiKey: merged.PAYMENT_API_KEY,
    dispatcherApiKey: merged.DISPATCHER_API_KEY,
  };
}
