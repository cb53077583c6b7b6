import { NOTHING_ALLOWED, parseAllowlist } from './private-allowlist';
import { blockedCategory, checkTargetUrl, embeddedIPv4 } from './target-address';

describe('blockedCategory', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.100.100.200', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['::7f00:1', 'reserved'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b:1::a00:1', 'reserved'],
    ['64:ff9b:1:ffff::1', 'reserved'],
    ['::ffff:0:a00:1', 'private'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['2002:c0a8:101:1::1', 'private'],
    ['2001:0:a00:1::', 'private'], // Teredo server 10.0.0.1
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // Teredo client 127.0.0.1 (inverted)
    ['2001::a9fe:a9fe:0:0:5601:5601', 'link-local'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (ip, category) => {
    expect(blockedCategory(ip)).toBe(category);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '::ffff:0:808:808', '2001:0:4136:e378:8000:63bf:3fff:fdd2'])(
    '%s is public',
    (ip) => {
      expect(blockedCategory(ip)).toBeUndefined();
    },
  );
});

describe('checkTargetUrl', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://localhost:3003/webhooks',
    'http://api.localhost/x',
    'http://localhost./x',
    'http://2130706433/',
    'http://0x7f.0.0.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0/',
    'http://[::1]:8080/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:a9fe:a9fe]/latest/meta-data',
    'http://169.254.169.254/latest/meta-data',
    'https://[fd00:ec2::254]/',
    'http://10.0.0.5/',
    'http://100.64.1.1/',
  ])('refuses %s', (url) => {
    expect(checkTargetUrl(url, NOTHING_ALLOWED)).toMatchObject({ ok: false, code: 'url_not_allowed' });
  });

  it.each(['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com', 'javascript:alert(1)', 'not a url', '/relative', 'http://user:pw@example.com/'])(
    'refuses %s as invalid',
    (url) => {
      expect(checkTargetUrl(url, NOTHING_ALLOWED)).toMatchObject({ ok: false, code: 'invalid_url' });
    },
  );

  it('accepts public hosts and names (names are checked again after DNS)', () => {
    expect(checkTargetUrl('https://example.com/webhooks', NOTHING_ALLOWED).ok).toBe(true);
    expect(checkTargetUrl('http://8.8.8.8:8080/x', NOTHING_ALLOWED).ok).toBe(true);
  });

  it('accepts the private targets allowed (the local stack), no others, and never other schemes', () => {
    const parsed = parseAllowlist('127.0.0.1,order-service');
    if (!parsed.ok) throw new Error(parsed.error);
    const local = parsed.allowlist;
    expect(checkTargetUrl('http://127.0.0.1:3003/webhooks', local).ok).toBe(true);
    expect(checkTargetUrl('http://order-service:3003/webhooks/payments', local).ok).toBe(true);
    expect(checkTargetUrl('http://127.0.0.2:3003/webhooks', local)).toMatchObject({ ok: false, code: 'url_not_allowed' });
    expect(checkTargetUrl('http://localhost:3003/webhooks', local)).toMatchObject({ ok: false, code: 'url_not_allowed' });
    expect(checkTargetUrl('http://[::ffff:0:7f00:1]/x', local)).toMatchObject({ ok: false, code: 'url_not_allowed' });
    expect(checkTargetUrl('file:///etc/passwd', local).ok).toBe(false);
  });
});

describe('embeddedIPv4', () => {
  it.each([
    ['64:ff9b::a9fe:a9fe', ['169.254.169.254']],
    ['::ffff:0:c0a8:101', ['192.168.1.1']],
    ['2002:a00:1::', ['10.0.0.1']],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', ['65.54.227.120', '192.0.2.45']],
    ['2606:4700::1', []],
  ])('%s carries %j', (ip, embedded) => {
    expect(embeddedIPv4(ip)).toEqual(embedded);
  });
});
