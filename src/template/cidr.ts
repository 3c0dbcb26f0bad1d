/**
 * IPv4/IPv6 prefix arithmetic for the `cidr_*` template helpers. Pure; every
 * failure is a CidrError whose message says what was wrong.
 */
import { redactTokens } from '../secrets/index.ts';

export class CidrError extends Error {}

interface Prefix {
  version: 4 | 6;
  /** The address as written (host bits included). */
  address: bigint;
  length: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (const [i, piece] of pieces.entries()) {
      // An embedded IPv4 address may end the address (::ffff:10.0.0.1).
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function parseAddress(text: string): { version: 4 | 6; address: bigint } | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { version: 4, address: v4 };
  const v6 = parseIPv6(text);
  if (v6 !== undefined) return { version: 6, address: v6 };
  return undefined;
}

// Templates use the same few prefixes for every host: parse each once.
const parsed = new Map<string, Prefix>();

/** Parses `address/length`; a bare address counts as a host prefix (/32 or /128). */
export function parsePrefix(value: unknown): Prefix {
  if (typeof value === 'string') {
    const known = parsed.get(value);
    if (known) return known;
    const prefix = parseUncached(value);
    if (parsed.size < 10000) parsed.set(value, prefix);
    return prefix;
  }
  return parseUncached(value);
}

function parseUncached(value: unknown): Prefix {
  if (typeof value !== 'string') throw new CidrError(`expected a CIDR such as 10.0.0.0/24, got ${describe(value)}`);
  const [addressText, lengthText, extra] = value.trim().split('/');
  const address = parseAddress(addressText ?? '');
  if (!address || extra !== undefined) throw new CidrError(`'${value}' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/24, 2001:db8::/64)`);
  const max = BITS[address.version];
  let length: number = max;
  if (lengthText !== undefined) {
    if (!/^[0-9]{1,3}$/.test(lengthText) || Number(lengthText) > max) {
      throw new CidrError(`'${value}' has an invalid prefix length (0-${max})`);
    }
    length = Number(lengthText);
  }
  return { ...address, length };
}

function mask(p: Prefix): bigint {
  const bits = BITS[p.version];
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - p.length)) - 1n);
}

export function formatAddress(version: 4 | 6, address: bigint): string {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((address >> BigInt((7 - i) * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (first on a tie) of two or more zero groups.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The n-th address of the prefix (0 = network address; negative counts back from the last). */
export function cidrHost(cidr: unknown, n: unknown): string {
  const p = parsePrefix(cidr);
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new CidrError(`expected a whole number for the host index, got ${describe(n)}`);
  const size = 1n << BigInt(BITS[p.version] - p.length);
  const index = n < 0 ? size + BigInt(n) : BigInt(n);
  if (index < 0n || index >= size) {
    throw new CidrError(`host ${n} is outside ${String(cidr)} (it has ${size} addresses: 0 to ${size - 1n}, or -1 for the last)`);
  }
  return formatAddress(p.version, (p.address & mask(p)) + index);
}

export function cidrPrefix(cidr: unknown): number {
  return parsePrefix(cidr).length;
}

export function cidrNetwork(cidr: unknown): string {
  const p = parsePrefix(cidr);
  return formatAddress(p.version, p.address & mask(p));
}

export function cidrNetmask(cidr: unknown): string {
  const p = parsePrefix(cidr);
  return formatAddress(p.version, mask(p));
}

export function cidrAddress(cidr: unknown): string {
  const p = parsePrefix(cidr);
  return formatAddress(p.version, p.address);
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // A secret placeholder is shown as <secret:NAME>, as everywhere else.
  if (typeof value === 'string') return `'${redactTokens(value)}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}
