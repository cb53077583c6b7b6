/** How long a close may take before the connection is abandoned. */
export const DISCONNECT_DEADLINE_MS = 5000;

/**
 * A close can wait for in-flight requests to a broker that no longer answers, which would
 * keep a SIGTERM'd app from ever exiting. Past the deadline the connection is abandoned:
 * the process is on its way out, and whatever was not committed is redelivered to the next
 * consumer or relay.
 */
export async function disconnectWithin(disconnect: () => Promise<void>, deadlineMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
    timer.unref();
  });
  try {
    await Promise.race([disconnect().catch(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
