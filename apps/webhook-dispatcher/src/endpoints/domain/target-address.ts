import { BlockList, isIP } from 'node:net';

/**
 * SSRF rules: which addresses a webhook may never be sent to. Checked on the URL at
 * registration and on every resolved address at connect time (DNS can change).
 */
const RANGES: Array<[category: string, network: string, prefix: number, family: 'ipv4' | 'ipv6']> = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['cgnat', '100.64.0.0', 10, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'], // includes the 169.254.169.254 metadata service
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'], // includes 255.255.255.255
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['reserved', '::', 96, 'ipv6'], // deprecated IPv4-compatible addresses
  ['unique-local', 'fc00::', 7, 'ipv6'], // includes the fd00:ec2::254 metadata service
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
  ['reserved', '2001:db8::', 32, 'ipv6'],
];

const LISTS = new Map<string, BlockList>();
for (const [category, network, prefix, family] of RANGES) {
  const list = LISTS.get(category) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  LISTS.set(category, list);
}

/** The IPv4 address a NAT64 (64:ff9b::/96) address embeds, so it is judged like the IPv4 one. */
function nat64Embedded(ip: string): string | undefined {
  const match = /^64:ff9b::([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!match) return undefined;
  const [high, low] = [parseInt(match[1], 16), parseInt(match[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The blocked category of an IP address (IPv4-mapped IPv6 judged as IPv4), or undefined if public. */
export function blockedCategory(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return 'invalid';
  const embedded = family === 6 ? nat64Embedded(ip) : undefined;
  if (embedded) return blockedCategory(embedded);
  for (const [category, list] of LISTS) {
    if (list.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return category;
  }
  return undefined;
}

export type TargetCheck = { ok: true; url: URL } | { ok: false; code: 'invalid_url' | 'url_not_allowed'; message: string };

/**
 * Judges a webhook URL before any DNS: scheme, and the host when it is an IP literal or
 * localhost. The URL parser has already turned decimal, octal and hex IPv4 forms
 * (`2130706433`, `0x7f.1`, `0177.0.0.1`) into dotted decimal.
 */
export function checkTargetUrl(value: string, allowPrivate: boolean): TargetCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, code: 'invalid_url', message: 'url: must be an absolute http or https URL.' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, code: 'invalid_url', message: 'url: only http and https URLs are allowed.' };
  }
  if (url.username || url.password) {
    return { ok: false, code: 'invalid_url', message: 'url: credentials in the URL are not allowed.' };
  }
  if (allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const category = isIP(host) ? blockedCategory(host) : host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : undefined;
  if (category) {
    return {
      ok: false,
      code: 'url_not_allowed',
      message: `url: ${category} addresses are not allowed as webhook targets (set WEBHOOK_ALLOW_PRIVATE_TARGETS=true for local development).`,
    };
  }
  return { ok: true, url };
}
