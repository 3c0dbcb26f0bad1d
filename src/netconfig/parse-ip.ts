/**
 * Parsers for iproute2's JSON output. Pure; each takes the text a command
 * printed and returns typed state, or throws TaskError naming the command
 * when the text is not what iproute2 prints.
 */
import { TaskError } from '../modules/contract.ts';
import { canonicalIp, ipFamily, parseCidr } from './ip-address.ts';
import type { AddressState, BridgePortState, LinkState, RouteState } from './state.ts';

type Json = Record<string, unknown>;

function parseArray(text: string, command: string): Json[] {
  const trimmed = text.trim();
  // iproute2 prints nothing at all for an empty dump on some versions.
  if (trimmed === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    throw new TaskError(`cannot read the output of \`${command}\` as JSON: ${trimmed.slice(0, 120)}`);
  }
  if (!Array.isArray(data)) throw new TaskError(`\`${command}\` did not print a JSON list`);
  return data.filter((x): x is Json => typeof x === 'object' && x !== null);
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);

/** `ip -j -d link show` */
export function parseLinks(text: string): LinkState[] {
  return parseArray(text, 'ip -j -d link show').map((l) => {
    const name = str(l.ifname) ?? '';
    const info = obj(l.linkinfo);
    const kind = str(info?.info_kind);
    const data = obj(info?.info_data);
    const flags = Array.isArray(l.flags) ? l.flags : [];
    const vlan =
      kind === 'vlan' && data && num(data.id) !== null
        ? { id: num(data.id) as number, protocol: normaliseVlanProtocol(str(data.protocol) ?? '802.1Q') }
        : null;
    const bridge =
      kind === 'bridge' && data
        ? { stp: (num(data.stp_state) ?? 0) !== 0, forwardDelay: Math.round((num(data.forward_delay) ?? 0) / 100) }
        : null;
    return {
      name,
      index: num(l.ifindex) ?? 0,
      kind,
      mtu: num(l.mtu) ?? 0,
      up: flags.includes('UP'),
      operstate: str(l.operstate) ?? 'UNKNOWN',
      master: str(l.master),
      // `link` names the lower device; `link_netnsid` means it lives in another namespace.
      parent: l.link_netnsid === undefined ? str(l.link) : null,
      vlan,
      bridge,
    } satisfies LinkState;
  });
}

/** iproute2 prints 802.1Q upper-case and 802.1ad lower-case; compare case-insensitively. */
export function normaliseVlanProtocol(p: string): string {
  return p.toLowerCase() === '802.1ad' ? '802.1ad' : p.toLowerCase() === '802.1q' ? '802.1Q' : p;
}

/** `ip -j addr show` */
export function parseAddresses(text: string): AddressState[] {
  const out: AddressState[] = [];
  for (const l of parseArray(text, 'ip -j addr show')) {
    const dev = str(l.ifname) ?? '';
    for (const a of Array.isArray(l.addr_info) ? l.addr_info : []) {
      const info = obj(a);
      const local = str(info?.local);
      const prefix = num(info?.prefixlen);
      if (!info || local === null || prefix === null) continue;
      const address = canonicalIp(local);
      if (address === undefined) continue;
      const forever = 4294967295;
      out.push({
        dev,
        family: ipFamily(address),
        cidr: `${address}/${prefix}`,
        address,
        prefix,
        scope: str(info.scope) ?? 'global',
        dynamic: info.dynamic === true || (num(info.valid_life_time) ?? forever) !== forever,
      });
    }
  }
  return out;
}

/** The table ids iproute2 names itself, whatever /etc/iproute2/rt_tables says. */
const BUILTIN_TABLES: Record<string, string> = { main: '254', local: '255', default: '253', unspec: '0' };

/** `/etc/iproute2/rt_tables` (and rt_tables.d/*.conf): `id name` lines. */
export function parseRouteTables(text: string): Map<string, string> {
  const names = new Map<string, string>(Object.entries(BUILTIN_TABLES));
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(\d+)\s+(\S+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined && !(m[2] in BUILTIN_TABLES)) names.set(m[2], m[1]);
  }
  return names;
}

/** A table as an operator writes it (name or number) → numeric id text. */
export function tableId(table: string | number, names: ReadonlyMap<string, string>): string {
  const t = String(table);
  return /^\d+$/.test(t) ? String(Number(t)) : (names.get(t) ?? t);
}

/** `ip -j route show table all` (IPv4) or `ip -j -6 route show table all`. */
export function parseRoutes(text: string, tables: ReadonlyMap<string, string> = parseRouteTables('')): RouteState[] {
  const out: RouteState[] = [];
  for (const r of parseArray(text, 'ip -j route show table all')) {
    const dst = str(r.dst);
    if (dst === null) continue;
    const gateway = str(r.gateway);
    let to = dst;
    let family: 4 | 6;
    if (dst === 'default') {
      family = gateway !== null ? ipFamily(gateway) : str(r.prefsrc) !== null ? ipFamily(str(r.prefsrc) as string) : 4;
    } else {
      const cidr = parseCidr(dst, true);
      if (!cidr) continue;
      family = cidr.family;
      to = `${cidr.address}/${cidr.prefix}`;
    }
    const metric = num(r.metric);
    out.push({
      family,
      // No `table` means main.
      table: tableId(str(r.table) ?? 'main', tables),
      to,
      via: gateway === null ? null : (canonicalIp(gateway) ?? gateway),
      dev: str(r.dev),
      // IPv4 routes without a metric have metric 0; IPv6 always prints one.
      metric: metric ?? 0,
      type: str(r.type) ?? 'unicast',
      protocol: str(r.protocol) ?? 'boot',
      multipath: Array.isArray(r.nexthops),
    });
  }
  return out;
}

/** `bridge -j link show` */
export function parseBridgePorts(text: string): BridgePortState[] {
  return parseArray(text, 'bridge -j link show')
    .filter((p) => str(p.master) !== null)
    .map((p) => ({ name: str(p.ifname) ?? '', master: str(p.master) as string, state: str(p.state) ?? 'unknown' }));
}
