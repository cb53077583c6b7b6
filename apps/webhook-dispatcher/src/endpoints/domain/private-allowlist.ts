import { BlockList, isIP } from 'node:net';

/**
 * The private targets an operator lets webhooks reach (WEBHOOK_ALLOWED_PRIVATE_TARGETS):
 * host names, IP addresses and CIDR ranges, comma-separated. Everything else private stays
 * refused by the SSRF guard. A host name is trusted as named: the compose stack's
 * `order-service`, say, whatever compose address it resolves to.
 */
export interface PrivateAllowlist {
  hosts: ReadonlySet<string>;
  addresses: BlockList;
  /** What was allowed, for messages. */
  entries: readonly string[];
}

export const NOTHING_ALLOWED: PrivateAllowlist = { hosts: new Set(), addresses: new BlockList(), entries: [] };

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Parses the setting; an entry that is none of the three is an error naming it. */
export function parseAllowlist(value: string): { ok: true; allowlist: PrivateAllowlist } | { ok: false; error: string } {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  const entries = value.split(',').map((e) => e.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean);
  for (const entry of entries) {
    const [network, prefixText, extra] = entry.split('/');
    const family = isIP(network);
    if (extra === undefined && family !== 0) {
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
      if (!(prefix >= 0 && prefix <= max)) return { ok: false, error: `"${entry}" has a prefix outside 0-${max}` };
      addresses.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
    } else if (prefixText === undefined && HOST_NAME.test(entry)) {
      hosts.add(entry);
    } else {
      return { ok: false, error: `"${entry}" is not a host name, an IP address or a CIDR range` };
    }
  }
  return { ok: true, allowlist: { hosts, addresses, entries } };
}

/** True when this host name, or this IP address, is allowed although private. */
export function isAllowed(allowlist: PrivateAllowlist, host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const family = isIP(name);
  if (family === 0) return allowlist.hosts.has(name);
  return allowlist.addresses.check(name, family === 4 ? 'ipv4' : 'ipv6');
}
