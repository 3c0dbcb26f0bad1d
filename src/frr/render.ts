/**
 * Structured FRR configuration → one frr.conf in FRR's integrated-config
 * shape. Pure. Lines come in the order FRR 8.4's `show running-config` prints
 * them (recorded in test/fixtures/frr/*-running-config.txt), so a freshly
 * applied file reads like the router's own and `frr-reload.py --test` finds
 * nothing left to change.
 */
import { parsePrefix } from '../template/cidr.ts';
import type { AddressFamily, BgpConfig, BgpNeighbor, Family, PrefixList, RouteMap, StaticRoute, StructuredConfig } from './types.ts';

function addressValue(text: string): { version: number; address: bigint; length: number } {
  const p = parsePrefix(text);
  return { version: p.version, address: p.address, length: p.length };
}

/** FRR keeps peers, networks and routes sorted: IPv4 before IPv6, then numerically, then by length. */
export function compareAddresses(a: string, b: string): number {
  const x = addressValue(a);
  const y = addressValue(b);
  if (x.version !== y.version) return x.version - y.version;
  if (x.address !== y.address) return x.address < y.address ? -1 : 1;
  return x.length - y.length;
}

export function familyOf(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

function sortedNeighbors(bgp: BgpConfig): BgpNeighbor[] {
  return [...bgp.neighbors].sort((a, b) => compareAddresses(a.address, b.address));
}

/** The neighbours active in a family: the listed ones, else those whose address is of that family. */
export function activeNeighbors(bgp: BgpConfig, family: Family): string[] {
  const af = family === 4 ? bgp.address_families.ipv4_unicast : bgp.address_families.ipv6_unicast;
  if (af?.neighbors !== undefined) return af.neighbors;
  return bgp.neighbors.filter((n) => familyOf(n.address) === family).map((n) => n.address);
}

function neighborLines(n: BgpNeighbor): string[] {
  const a = n.address;
  const out = [` neighbor ${a} remote-as ${n.remote_as}`];
  if (n.description !== undefined) out.push(` neighbor ${a} description ${n.description}`);
  if (n.shutdown) out.push(` neighbor ${a} shutdown`);
  if (n.password !== undefined) out.push(` neighbor ${a} password ${n.password}`);
  if (n.ebgp_multihop !== undefined) out.push(` neighbor ${a} ebgp-multihop ${n.ebgp_multihop}`);
  if (n.update_source !== undefined) out.push(` neighbor ${a} update-source ${n.update_source}`);
  return out;
}

function familyLines(bgp: BgpConfig, family: Family): string[] {
  const af: AddressFamily = (family === 4 ? bgp.address_families.ipv4_unicast : bgp.address_families.ipv6_unicast) ?? { networks: [], redistribute: [] };
  const active = new Set(activeNeighbors(bgp, family));
  const body: string[] = [];
  for (const network of [...af.networks].sort(compareAddresses)) body.push(`  network ${network}`);
  for (const r of af.redistribute) body.push(`  redistribute ${r}`);
  for (const n of sortedNeighbors(bgp)) {
    const a = n.address;
    const isActive = active.has(a);
    // FRR's traditional defaults activate every neighbour in IPv4 unicast only.
    const defaultActive = family === 4;
    if (isActive && !defaultActive) body.push(`  neighbor ${a} activate`);
    if (!isActive && defaultActive) body.push(`  no neighbor ${a} activate`);
    if (!isActive) continue;
    if (n.soft_reconfiguration) body.push(`  neighbor ${a} soft-reconfiguration inbound`);
    if (n.route_map_in !== undefined) body.push(`  neighbor ${a} route-map ${n.route_map_in} in`);
    if (n.route_map_out !== undefined) body.push(`  neighbor ${a} route-map ${n.route_map_out} out`);
  }
  if (body.length === 0) return [];
  return [` address-family ${family === 4 ? 'ipv4' : 'ipv6'} unicast`, ...body, ' exit-address-family'];
}

function bgpLines(bgp: BgpConfig): string[] {
  const out = [`router bgp ${bgp.asn}`];
  if (bgp.router_id !== undefined) out.push(` bgp router-id ${bgp.router_id}`);
  if (!bgp.ebgp_requires_policy) out.push(' no bgp ebgp-requires-policy');
  for (const n of sortedNeighbors(bgp)) out.push(...neighborLines(n));
  for (const family of [4, 6] as const) {
    const lines = familyLines(bgp, family);
    if (lines.length > 0) out.push(' !', ...lines);
  }
  out.push('exit');
  return out;
}

function staticRouteLine(r: StaticRoute): string {
  const words = [r.family === 4 ? 'ip route' : 'ipv6 route', r.to];
  if (r.blackhole) words.push('blackhole');
  if (r.via !== undefined) words.push(r.via);
  if (r.dev !== undefined) words.push(r.dev);
  if (r.distance !== undefined) words.push(String(r.distance));
  return words.join(' ');
}

function prefixListLines(list: PrefixList): string[] {
  const keyword = list.family === 4 ? 'ip' : 'ipv6';
  // A list defined empty matches nothing: say so, so that route maps naming it have it to refer to.
  if (list.entries.length === 0) return [`${keyword} prefix-list ${list.name} seq 5 deny any`];
  return [...list.entries]
    .sort((a, b) => a.seq - b.seq)
    .map((e) => {
      let line = `${keyword} prefix-list ${list.name} seq ${e.seq} ${e.action} ${e.prefix}`;
      if (e.ge !== undefined) line += ` ge ${e.ge}`;
      if (e.le !== undefined) line += ` le ${e.le}`;
      return line;
    });
}

function routeMapLines(map: RouteMap, families: ReadonlyMap<string, Family>): string[] {
  const out: string[] = [];
  for (const e of [...map.entries].sort((a, b) => a.seq - b.seq)) {
    out.push(`route-map ${map.name} ${e.action} ${e.seq}`);
    if (e.description !== undefined) out.push(` description ${e.description}`);
    if (e.match.as_path !== undefined) out.push(` match as-path ${e.match.as_path}`);
    if (e.match.community !== undefined) out.push(` match community ${e.match.community}`);
    if (e.match.prefix_list !== undefined) {
      const keyword = families.get(e.match.prefix_list) === 6 ? 'ipv6' : 'ip';
      out.push(` match ${keyword} address prefix-list ${e.match.prefix_list}`);
    }
    if (e.set.as_path_prepend !== undefined) out.push(` set as-path prepend ${e.set.as_path_prepend.join(' ')}`);
    if (e.set.community !== undefined) out.push(` set community ${e.set.community}`);
    if (e.set.local_preference !== undefined) out.push(` set local-preference ${e.set.local_preference}`);
    if (e.set.metric !== undefined) out.push(` set metric ${e.set.metric}`);
    if (e.set.weight !== undefined) out.push(` set weight ${e.set.weight}`);
    out.push('exit', '!');
  }
  return out;
}

/** The whole frr.conf text (ends with a newline). */
export function renderFrrConf(c: StructuredConfig): string {
  const lines: string[] = [];
  if (c.frr_version !== undefined) lines.push(`frr version ${c.frr_version}`);
  lines.push('frr defaults traditional');
  if (c.hostname !== undefined) lines.push(`hostname ${c.hostname}`);
  if (c.log_syslog !== false) lines.push(`log syslog ${c.log_syslog}`);
  lines.push('service integrated-vtysh-config', '!');
  const routes = [...c.static_routes].sort((a, b) => a.family - b.family || compareAddresses(a.to, b.to));
  if (routes.length > 0) lines.push(...routes.map(staticRouteLine), '!');
  if (c.bgp) lines.push(...bgpLines(c.bgp), '!');
  for (const family of [4, 6] as const) {
    const lists = c.prefix_lists.filter((l) => l.family === family);
    if (lists.length > 0) lines.push(...lists.flatMap(prefixListLines), '!');
  }
  const families = new Map(c.prefix_lists.map((l) => [l.name, l.family]));
  for (const map of c.route_maps) lines.push(...routeMapLines(map, families));
  return `${lines.join('\n')}\n`;
}
