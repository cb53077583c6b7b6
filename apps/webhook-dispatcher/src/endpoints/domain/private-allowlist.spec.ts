import { isAllowed, NOTHING_ALLOWED, parseAllowlist } from './private-allowlist';

function allowlist(value: string) {
  const parsed = parseAllowlist(value);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.allowlist;
}

describe('WEBHOOK_ALLOWED_PRIVATE_TARGETS', () => {
  it('allows the host names, addresses and ranges listed, and nothing else', () => {
    const list = allowlist(' order-service , 127.0.0.1, 10.8.0.0/16, fd00:1::/64, Receiver.Local. ');
    expect(['order-service', 'ORDER-SERVICE', '127.0.0.1', '10.8.200.1', 'fd00:1::5', '[fd00:1::5]', 'receiver.local'].map((h) => isAllowed(list, h))).toEqual(
      Array(7).fill(true),
    );
    expect(['127.0.0.2', '10.9.0.1', 'fd00:2::1', 'localhost', 'evil-order-service', '169.254.169.254'].map((h) => isAllowed(list, h))).toEqual(
      Array(6).fill(false),
    );
  });

  it('is empty by default', () => {
    expect(allowlist('').entries).toEqual([]);
    expect(isAllowed(NOTHING_ALLOWED, '127.0.0.1')).toBe(false);
  });

  it.each(['10.0.0.0/33', '::1/129', '10.0.0.0/8/8', 'http://x', 'a b', '10.0.0.0/x', 'host/8'])('refuses %j', (entry) => {
    expect(parseAllowlist(entry)).toMatchObject({ ok: false, error: expect.stringContaining(entry.toLowerCase()) });
  });
});
