/** A JSON client for one app's API with its bearer key: the status, the parsed body (or the text) and the headers. */
export function apiClient(baseUrl: () => string, apiKey: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: the test sees the text.
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: parsed as any, headers: response.headers };
  };
}

/** True when a body is Payhook's error shape: `{"error": {"type", "code", "message"}}`, all strings. */
export function hasErrorShape(text: string): boolean {
  try {
    const error = JSON.parse(text)?.error;
    return typeof error?.type === 'string' && typeof error?.code === 'string' && typeof error?.message === 'string';
  } catch {
    return false;
  }
}
