import { blockedCategory, checkTargetUrl } from './target-address';

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
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (ip, category) => {
    expect(blockedCategory(ip)).toBe(category);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
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
    expect(checkTargetUrl(url, false)).toMatchObject({ ok: false, code: 'url_not_allowed' });
  });

  it.each(['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com', 'javascript:alert(1)', 'not a url', '/relative', 'http://user:pw@example.com/'])(
    'refuses %s as invalid',
    (url) => {
      expect(checkTargetUrl(url, false)).toMatchObject({ ok: false, code: 'invalid_url' });
    },
  );

  it('accepts public hosts and names (names are checked again after DNS)', () => {
    expect(checkTargetUrl('https://example.com/webhooks', false).ok).toBe(true);
    expect(checkTargetUrl('http://8.8.8.8:8080/x', false).ok).toBe(true);
  });

  it('accepts private targets when allowed (the local stack), but never other schemes', () => {
    expect(checkTargetUrl('http://127.0.0.1:3003/webhooks', true).ok).toBe(true);
    expect(checkTargetUrl('file:///etc/passwd', true).ok).toBe(false);
  });
});
