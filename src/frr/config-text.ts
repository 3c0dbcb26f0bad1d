/**
 * What zonectl reads out of frr.conf text itself (full `config:` text or a
 * rendered one): the BGP neighbours to wait for and names referenced but not
 * defined. Pure; works line by line on FRR's integrated-config syntax.
 */
import { canonicalIp } from '../netconfig/ip-address.ts';

/** Neighbour addresses of `router bgp` blocks that are not shut down (peer groups and interfaces left out). */
export function bgpNeighbors(config: string): string[] {
  const found: string[] = [];
  const down = new Set<string>();
  let inBgp = false;
  for (const line of config.split('\n')) {
    if (/^router bgp\s/.test(line)) inBgp = true;
    else if (/^\S/.test(line) && !/^!/.test(line)) inBgp = false;
    if (!inBgp) continue;
    const remote = /^\s+neighbor\s+(\S+)\s+remote-as\s/.exec(line);
    if (remote) {
      const ip = canonicalIp(remote[1] as string);
      if (ip !== undefined && !found.includes(ip)) found.push(ip);
    }
    const shut = /^\s+neighbor\s+(\S+)\s+shutdown\b/.exec(line);
    if (shut) down.add(canonicalIp(shut[1] as string) ?? (shut[1] as string));
  }
  return found.filter((n) => !down.has(n));
}

export interface MissingReference {
  kind: 'route-map' | 'prefix-list';
  name: string;
  /** 1-based line number in the text. */
  line: number;
}

/** Route maps used by neighbours or redistribution and prefix lists matched by route maps that the text never defines. */
export function missingReferences(config: string): MissingReference[] {
  const lines = config.split('\n');
  const routeMaps = new Set<string>();
  const prefixLists = new Set<string>();
  for (const line of lines) {
    const rm = /^route-map\s+(\S+)\s+(permit|deny)\s/.exec(line);
    if (rm) routeMaps.add(rm[1] as string);
    const pl = /^ip(?:v6)?\s+prefix-list\s+(\S+)\s/.exec(line);
    if (pl) prefixLists.add(`${line.startsWith('ipv6') ? '6' : '4'}:${pl[1]}`);
  }
  const out: MissingReference[] = [];
  lines.forEach((line, i) => {
    const use = /^\s+(?:neighbor\s+\S+\s+route-map\s+(\S+)\s+(?:in|out)|redistribute\s+\S+.*\broute-map\s+(\S+)|network\s+\S+\s+route-map\s+(\S+))\s*$/.exec(line);
    const name = use?.[1] ?? use?.[2] ?? use?.[3];
    if (name !== undefined && !routeMaps.has(name)) out.push({ kind: 'route-map', name, line: i + 1 });
    const match = /^\s+match\s+(ipv6|ip)\s+address\s+prefix-list\s+(\S+)\s*$/.exec(line);
    if (match && !prefixLists.has(`${match[1] === 'ipv6' ? '6' : '4'}:${match[2]}`)) out.push({ kind: 'prefix-list', name: match[2] as string, line: i + 1 });
  });
  return out;
}
