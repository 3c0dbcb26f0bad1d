/**
 * IP addresses and prefixes in one canonical spelling, so that what an
 * operator writes compares equal to what `ip -j` prints (IPv6 compressed and
 * lower-case, IPv4 dotted quad without leading zeros).
 */
import { isIPv4, isIPv6 } from 'node:net';

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** Canonical address text. */
  address: string;
  prefix: number;
}

/** The canonical spelling of an IP address, or undefined when it is not one. */
export function canonicalIp(text: string): string | undefined {
  if (isIPv4(text)) return text;
  if (isIPv6(text) && !text.includes('%')) {
    // The WHATWG URL parser prints IPv6 hosts in RFC 5952 form.
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  }
  return undefined;
}

export function ipFamily(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

/** `address/prefix` → Cidr; a bare address gets the full-length prefix only when `bareIsHost`. */
export function parseCidr(text: string, bareIsHost = false): Cidr | undefined {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = canonicalIp(addressText);
  if (address === undefined) return undefined;
  const family = ipFamily(address);
  const max = family === 4 ? 32 : 128;
  if (slash < 0) return bareIsHost ? { family, address, prefix: max } : undefined;
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > max) return undefined;
  return { family, address, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${c.address}/${c.prefix}`;
}

function toBigInt(address: string): bigint {
  if (ipFamily(address) === 4) {
    return address.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
  }
  const [head = '', tail] = address.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  let groups = parse(head);
  if (tail !== undefined) {
    const rest = parse(tail);
    groups = [...groups, ...Array<string>(8 - groups.length - rest.length).fill('0'), ...rest];
  }
  // An IPv4-mapped tail (::ffff:1.2.3.4) is two groups.
  const last = groups[groups.length - 1] ?? '';
  if (last.includes('.')) {
    const v4 = toBigInt(last);
    groups = [...groups.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
  }
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Whether the address has host bits set beyond the prefix (10.0.0.1/8 does). */
export function hasHostBits(c: Cidr): boolean {
  const bits = c.family === 4 ? 32n : 128n;
  const hostBits = bits - BigInt(c.prefix);
  const mask = (1n << hostBits) - 1n;
  return (toBigInt(c.address) & mask) !== 0n;
}

/** Whether `address` lies inside the prefix `net`. */
export function cidrContains(net: Cidr, address: string): boolean {
  if (ipFamily(address) !== net.family) return false;
  const bits = net.family === 4 ? 32n : 128n;
  const shift = bits - BigInt(net.prefix);
  return toBigInt(net.address) >> shift === toBigInt(address) >> shift;
}

export function isLinkLocal(c: Cidr): boolean {
  return c.family === 6 && cidrContains({ family: 6, address: 'fe80::', prefix: 10 }, c.address);
}
