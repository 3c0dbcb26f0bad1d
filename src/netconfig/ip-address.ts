/**
 * IP addresses and prefixes in one canonical spelling, so that what an
 * operator writes compares equal to what `ip -j` prints (IPv6 compressed and
 * lower-case per RFC 5952, IPv4 dotted quad). The parsing and formatting are
 * the template helpers' (src/template/cidr.ts); this adds what the network
 * modules need on top.
 */
import { CidrError, formatAddress, parsePrefix } from '../template/cidr.ts';

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** Canonical address text. */
  address: string;
  prefix: number;
}

function parsed(text: string): ReturnType<typeof parsePrefix> | undefined {
  try {
    return parsePrefix(text);
  } catch (error) {
    if (error instanceof CidrError) return undefined;
    throw error;
  }
}

/** The canonical spelling of an IP address, or undefined when it is not one. */
export function canonicalIp(text: string): string | undefined {
  if (text.includes('/')) return undefined;
  const p = parsed(text);
  return p ? formatAddress(p.version, p.address) : undefined;
}

export function ipFamily(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

/** `address/prefix` → Cidr; a bare address gets the full-length prefix only when `bareIsHost`. */
export function parseCidr(text: string, bareIsHost = false): Cidr | undefined {
  if (!bareIsHost && !text.includes('/')) return undefined;
  const p = parsed(text);
  if (!p) return undefined;
  return { family: p.version, address: formatAddress(p.version, p.address), prefix: p.length };
}

export function formatCidr(c: Cidr): string {
  return `${c.address}/${c.prefix}`;
}

function toBigInt(address: string): bigint {
  const p = parsed(address);
  if (!p) throw new Error(`not an IP address: ${address}`);
  return p.address;
}

/** Whether the address has host bits set beyond the prefix (10.0.0.1/8 does). */
export function hasHostBits(c: Cidr): boolean {
  const bits = c.family === 4 ? 32n : 128n;
  const hostBits = bits - BigInt(c.prefix);
  const mask = (1n << hostBits) - 1n;
  return (toBigInt(c.address) & mask) !== 0n;
}

/** The network a prefix belongs to: host bits cleared (10.20.1.0/16 → 10.20.0.0/16). */
export function networkOf(c: Cidr): Cidr {
  const hostBits = (c.family === 4 ? 32n : 128n) - BigInt(c.prefix);
  const mask = (1n << hostBits) - 1n;
  return { ...c, address: formatAddress(c.family, toBigInt(c.address) & ~mask) };
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
