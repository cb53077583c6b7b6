import { Agent, request } from 'node:http';

/** When each of `rate × seconds` requests is due, in ms after the start. */
export function schedule(rate: number, seconds: number): number[] {
  return Array.from({ length: Math.round(rate * seconds) }, (_, i) => (i * 1000) / rate);
}

export interface OpenLoopResult {
  scheduled: number;
  accepted: number;
  failed: number;
  /** Request latency from the scheduled time (not the send time) to the answer. */
  latenciesMs: number[];
}

/**
 * Open-loop load: request i is sent at its scheduled time whether or not earlier ones
 * have been answered, and its latency counts from that time. A slow system therefore
 * shows its queueing in the figures instead of slowing the load down (coordinated omission).
 */
export async function runOpenLoop(options: {
  rate: number;
  seconds: number;
  fire: (index: number, scheduledAt: number) => Promise<boolean>;
  onSecond?: () => void;
}): Promise<OpenLoopResult> {
  const due = schedule(options.rate, options.seconds);
  const result: OpenLoopResult = { scheduled: due.length, accepted: 0, failed: 0, latenciesMs: [] };
  const inFlight: Array<Promise<void>> = [];
  const started = Date.now();
  let next = 0;
  let nextSecond = 1000;
  while (next < due.length) {
    const now = Date.now() - started;
    while (next < due.length && due[next] <= now) {
      const scheduledAt = started + due[next];
      inFlight.push(
        options.fire(next, scheduledAt).then((ok) => {
          if (ok) result.accepted += 1;
          else result.failed += 1;
          result.latenciesMs.push(Date.now() - scheduledAt);
        }),
      );
      next += 1;
    }
    if (now >= nextSecond) {
      nextSecond += 1000;
      options.onSecond?.();
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(inFlight);
  return result;
}

// One keep-alive pool for the load: cheaper per request than fetch, and its queue (past
// maxSockets) is part of the measured latency, as it would be for a real client.
const agent = new Agent({ keepAlive: true, maxSockets: 128 });

/** POSTs JSON; resolves with the status and body, or status 0 on a connection error. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(payload);
  });
}
