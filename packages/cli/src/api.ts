/** A failure the CLI explains in one line and exits 1 on: the stack is not up, or it refused the request. */
export class CliError extends Error {}

export interface Service {
  /** How the CLI names it in errors: `payment-service`, `webhook-dispatcher`, `order-service`. */
  name: string;
  url: string;
  apiKey?: string;
}

function reachError(service: Service, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error instanceof Error ? error.message : String(error));
  return new CliError(`cannot reach ${service.name} at ${service.url} (${cause}): is the stack running? Start it with \`npm start\`.`);
}

/** Opens a request to a service; a connection failure becomes a CliError saying the stack is not up. */
export async function send(service: Service, method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
  try {
    return await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...(service.apiKey && { authorization: `Bearer ${service.apiKey}` }),
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal ?? AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw reachError(service, error);
  }
}

/** A JSON call: the parsed answer of a 2xx, or a CliError with the API's own error message. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(service: Service, method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(service, method, path, { body });
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 500);
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (parsed.error?.message) message = `${parsed.error.message} (${parsed.error.code})`;
    } catch {
      // not JSON: the text itself
    }
    throw new CliError(`${service.name} answered ${response.status} to ${method} ${path}: ${message}`);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
