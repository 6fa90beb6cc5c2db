import { BlockList, isIP } from 'node:net';

/**
 * The real client address of a request. It is the TCP peer, unless that peer is a trusted proxy
 * (`--trust-proxy CIDR[,CIDR…]`): then `X-Forwarded-For` is walked from the right past trusted
 * proxies and the first untrusted hop is the client; without `X-Forwarded-For`, a trusted peer's
 * `X-Real-IP` is believed. Headers from an untrusted peer are never read, so a client cannot
 * choose the address that the audit log, the brute-force guard and host-bound ACLs see.
 */
export interface TrustedProxies {
  /** The ranges as given, normalised (`10.0.0.0/8`, `::1/128`). */
  readonly ranges: readonly string[];
  trusts(address: string): boolean;
}

/** How many addresses' answers `trusts` remembers. */
const TRUST_MEMO_SIZE = 4096;

const NONE: TrustedProxies = { ranges: [], trusts: () => false };

/** `::ffff:1.2.3.4` is 1.2.3.4: one client is one address whichever socket family carried it. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
  return lower;
}

/**
 * Parses `CIDR[,CIDR…]` (a bare address is a single host). Throws an Error naming the first entry
 * that is not an IPv4 or IPv6 address or range; an empty list trusts nobody.
 */
export function parseTrustedProxies(list: string | readonly string[] | undefined): TrustedProxies {
  const entries = (typeof list === 'string' ? list.split(',') : (list ?? [])).map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) return NONE;
  const blocks = new BlockList();
  const ranges: string[] = [];
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const address = normalizeAddress(slash === -1 ? entry : entry.slice(0, slash));
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefixText = slash === -1 ? String(max) : entry.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
    if (family === 0 || !(prefix >= 0 && prefix <= max)) {
      throw new Error(`invalid trusted proxy "${entry}": use an IPv4 or IPv6 address or CIDR range, e.g. 10.0.0.0/8 or fd00::/8`);
    }
    blocks.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    ranges.push(`${address}/${prefix}`);
  }
  // BlockList.check builds a SocketAddress per call: the answers for the addresses seen (proxies,
  // clients in X-Forwarded-For) are remembered, up to TRUST_MEMO_SIZE, then forgotten all at once
  const memo = new Map<string, boolean>();
  return {
    ranges,
    trusts(candidate) {
      const known = memo.get(candidate);
      if (known !== undefined) return known;
      const address = normalizeAddress(candidate);
      const family = isIP(address);
      const trusted = family !== 0 && blocks.check(address, family === 4 ? 'ipv4' : 'ipv6');
      if (memo.size >= TRUST_MEMO_SIZE) memo.clear();
      memo.set(candidate, trusted);
      return trusted;
    },
  };
}

/** One `X-Forwarded-For` hop: a bare address (nginx's form) or `[v6]:port` / `v4:port`. */
function hopAddress(hop: string): string | undefined {
  let text = hop.trim();
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracket) text = bracket[1] as string;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  return isIP(text) === 0 ? undefined : normalizeAddress(text);
}

function header(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.join(',');
  return value;
}

export function clientAddress(peer: string | undefined, headers: Record<string, string | string[] | undefined>, trusted: TrustedProxies): string {
  const tcpPeer = normalizeAddress(peer ?? '');
  if (trusted.ranges.length === 0 || !trusted.trusts(tcpPeer)) return tcpPeer;
  const forwarded = header(headers['x-forwarded-for']);
  if (forwarded !== undefined && forwarded.trim() !== '') {
    // Each hop was appended by the proxy to its right; walk left while that proxy is trusted.
    let client = tcpPeer;
    const hops = forwarded.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hopAddress(hops[i] as string);
      // A hop a trusted proxy could not have written: stop at the last address we can vouch for.
      if (hop === undefined) return client;
      client = hop;
      if (!trusted.trusts(hop)) return hop;
    }
    return client;
  }
  const real = header(headers['x-real-ip']);
  const address = real === undefined ? undefined : hopAddress(real);
  return address ?? tcpPeer;
}
