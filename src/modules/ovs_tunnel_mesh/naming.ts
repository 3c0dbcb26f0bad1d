/**
 * Tunnel port names in CloudStack's shape, `t<key>-<from>-<to>`, kept within
 * Linux's 15-character interface name limit. Pure and deterministic: the same
 * mesh members always give the same names.
 *
 * `from`/`to` are short ids of the two hosts:
 * - the number a host name ends with (`kvm01` → `1`, `hv-12` → `12`) when
 *   EVERY member ends with a number, no two members share one, and each fits;
 * - otherwise a base-36 hash of the host name (up to 4 characters, as many as
 *   the key leaves room for); on a clash the next slice of the hash is taken,
 *   hosts taken in name order.
 */
import { createHash } from 'node:crypto';

export const MAX_NAME = 15;

/** Characters left for each host id once `t<key>--` is spelled out. */
export function idBudget(key: number): number {
  return Math.floor((MAX_NAME - 3 - String(key).length) / 2);
}

function hashDigits(host: string): string {
  // 256 bits in base 36 gives ~49 characters: plenty of distinct slices.
  return BigInt(`0x${createHash('sha256').update(host).digest('hex')}`).toString(36);
}

/** Host → short id for every member of the mesh (throws when the key leaves too little room). */
export function hostIds(members: readonly string[], key: number): Map<string, string> {
  const budget = idBudget(key);
  if (budget < 1) throw new Error(`key ${key} leaves no room for host ids in t<key>-<from>-<to> (15 characters)`);
  const hosts = [...new Set(members)].sort();
  const numbers = hosts.map((h) => /(\d+)$/.exec(h)?.[1]?.replace(/^0+(?=\d)/, ''));
  const usable = numbers.every((n): n is string => n !== undefined && n.length <= budget) && new Set(numbers).size === hosts.length;
  if (usable) return new Map(hosts.map((h, i) => [h, numbers[i] as string]));
  const width = Math.min(budget, 4);
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const host of hosts) {
    const digits = hashDigits(host);
    let id: string | undefined;
    for (let at = 0; at + width <= digits.length; at++) {
      const candidate = digits.slice(at, at + width);
      if (!taken.has(candidate)) {
        id = candidate;
        break;
      }
    }
    if (id === undefined) throw new Error(`cannot give ${host} a unique ${width}-character tunnel id`);
    taken.add(id);
    ids.set(host, id);
  }
  return ids;
}

export function tunnelPortName(key: number, from: string, to: string): string {
  return `t${key}-${from}-${to}`;
}
