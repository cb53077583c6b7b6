import { z } from 'zod';
import { parseBrokers } from '@payhook/messaging';
import { isSecretSetting } from './log-safety';

/** A configuration problem found at boot; its message is one line naming the variable. */
export class ConfigError extends Error {}

/**
 * Validates environment variables against a schema whose keys are the variable names.
 * Unknown variables are ignored; the first problem is reported as `NAME: problem (got "value")`.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const raw = env[name];
    const shown = raw === undefined ? 'not set' : isSecretSetting(name) ? 'value hidden' : `got "${redactUrl(raw)}"`;
    // zod 4 words a missing key as a type mismatch with undefined; say what it means.
    const problem = raw === undefined && issue.code === 'invalid_type' ? 'Required' : issue.message;
    return `${name}: ${problem} (${shown})`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** Hides a password in a URL so a config message or log line never leaks it. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `5s`, `30m`, `2h`, `5d` or a bare number of milliseconds. */
export function parseDurationMs(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms'];
}

/** Reusable field validators for the apps' config schemas. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  postgresUrl: () =>
    z
      .string()
      .default('postgres://postgres@127.0.0.1:5432/postgres')
      .refine((v) => /^postgres(ql)?:\/\/[^/]+/.test(v), 'must be a postgres:// URL'),
  databaseName: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine((v) => /^[a-z_][a-z0-9_]{0,62}$/.test(v), 'must be a lower-case identifier'),
  brokers: () =>
    z
      .string()
      .default('127.0.0.1:9092')
      .refine((v) => parseBrokers(v).length > 0 && parseBrokers(v).every((b) => /^[^:\s]+:\d+$/.test(b)), 'must be host:port[,host:port…]'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  secret: () => z.string().min(16, 'must be at least 16 characters'),
  duration: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine((v) => parseDurationMs(v) !== undefined, 'must be a duration such as 500ms, 5s, 2m')
      .transform((v) => parseDurationMs(v) as number),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
};
