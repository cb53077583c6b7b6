import { randomBytes } from 'node:crypto';

/** Sessions kept at once; the oldest goes first when a new one would pass this. */
export const MAX_SESSIONS = 1000;
/** A session lasts this long from its creation. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/**
 * The dispatcher key each browser session entered, kept on the server: the browser holds
 * only an opaque id in an HttpOnly cookie, so page scripts never read the key back.
 * Bounded by count and age.
 */
export class Sessions {
  private readonly byId = new Map<string, { key: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  open(key: string): string {
    const id = randomBytes(24).toString('base64url');
    while (this.byId.size >= MAX_SESSIONS) this.byId.delete(this.byId.keys().next().value as string);
    this.byId.set(id, { key, expiresAt: this.now() + SESSION_TTL_MS });
    return id;
  }

  keyOf(id: string | undefined): string | undefined {
    if (!id) return undefined;
    const session = this.byId.get(id);
    if (session && session.expiresAt > this.now()) return session.key;
    this.byId.delete(id);
    return undefined;
  }

  close(id: string | undefined): void {
    if (id) this.byId.delete(id);
  }

  get size(): number {
    return this.byId.size;
  }
}
