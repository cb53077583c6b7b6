import { MAX_SESSIONS, SESSION_TTL_MS, Sessions } from './sessions';

describe('Sessions', () => {
  it('gives the key back for its id only, until it is closed', () => {
    const sessions = new Sessions();
    const id = sessions.open('sk_key');
    expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(sessions.keyOf(id)).toBe('sk_key');
    expect(sessions.keyOf('another')).toBeUndefined();
    expect(sessions.keyOf(undefined)).toBeUndefined();
    sessions.close(id);
    expect(sessions.keyOf(id)).toBeUndefined();
  });

  it('forgets a session at the end of its lifetime', () => {
    let now = 0;
    const sessions = new Sessions(() => now);
    const id = sessions.open('sk_key');
    now = SESSION_TTL_MS - 1;
    expect(sessions.keyOf(id)).toBe('sk_key');
    now = SESSION_TTL_MS;
    expect(sessions.keyOf(id)).toBeUndefined();
    expect(sessions.size).toBe(0);
  });

  it('keeps at most MAX_SESSIONS, dropping the oldest', () => {
    const sessions = new Sessions();
    const first = sessions.open('first');
    for (let i = 0; i < MAX_SESSIONS; i++) sessions.open(`key ${i}`);
    expect(sessions.size).toBe(MAX_SESSIONS);
    expect(sessions.keyOf(first)).toBeUndefined();
  });
});
