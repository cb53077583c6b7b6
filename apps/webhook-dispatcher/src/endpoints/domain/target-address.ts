import { BlockList, isIP } from 'node:net';
import { isAllowed, type PrivateAllowlist } from './private-allowlist';

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
  ['reserved', '64:ff9b:1::', 48, 'ipv6'], // local-use NAT64 (RFC 8215): never a public host
];

const LISTS = new Map<string, BlockList>();
for (const [category, network, prefix, family] of RANGES) {
  const list = LISTS.get(category) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  LISTS.set(category, list);
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail included). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const [front, back] = [parse(head), parse(tail)];
  return tail === undefined ? front : [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
}

const ipv4 = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/**
 * The IPv4 addresses an IPv6 address carries by a translation or tunnelling scheme, so each
 * is judged like the IPv4 address itself: NAT64 (64:ff9b::/96), IPv4-translated
 * (::ffff:0:0:0/96), 6to4 (2002::/16) and Teredo (2001::/32: its server, and its client,
 * stored inverted).
 */
export function embeddedIPv4(ip: string): string[] {
  const g = ipv6Groups(ip);
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0) return [ipv4(g[6], g[7])];
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0xffff && g[5] === 0) return [ipv4(g[6], g[7])];
  if (g[0] === 0x2002) return [ipv4(g[1], g[2])];
  if (g[0] === 0x2001 && g[1] === 0) return [ipv4(g[2], g[3]), ipv4(g[6] ^ 0xffff, g[7] ^ 0xffff)];
  return [];
}

/** The blocked category of an IP address (IPv4-mapped IPv6 judged as IPv4), or undefined if public. */
export function blockedCategory(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return 'invalid';
  if (family === 6) {
    for (const embedded of embeddedIPv4(ip)) {
      const category = blockedCategory(embedded);
      if (category) return category;
    }
  }
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
export function checkTargetUrl(value: string, allowlist: PrivateAllowlist): TargetCheck {
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
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (isAllowed(allowlist, host)) return { ok: true, url };
  const category = isIP(host) ? blockedCategory(host) : host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : undefined;
  if (category) {
    return {
      ok: false,
      code: 'url_not_allowed',
      message: `url: ${category} addresses are not allowed as webhook targets (WEBHOOK_ALLOWED_PRIVATE_TARGETS lists the private hosts and ranges allowed).`,
    };
  }
  return { ok: true, url };
}
