/**
 * OpenFlow flows as ovs-ofctl writes and prints them, normalised so that a flow
 * written by an operator compares equal to the same flow read back from
 * `ovs-ofctl dump-flows`, and the atomic update of the flows under one cookie.
 *
 * ovs-ofctl prints a flow in its own canonical form: statistics first
 * (cookie, duration, n_packets…), match fields in its own order, the default
 * priority (32768) and zero timeouts left out, `normal` as `NORMAL`, ports
 * as numbers (`--no-names`). Normalising both sides — drop statistics, sort
 * match fields, spell protocol shorthands, lowercase MACs, map port numbers to
 * names — makes them comparable without asking the switch.
 */
import { quote } from '../shell/quote.ts';

/** Fields of a dumped flow that are statistics or identity, not part of what a flow does. */
const STATISTICS = new Set(['cookie', 'duration', 'n_packets', 'n_bytes', 'idle_age', 'hard_age', 'importance']);
const DEFAULTS: Record<string, string> = { table: '0', idle_timeout: '0', hard_timeout: '0' };
const SYNONYMS: Record<string, string> = {
  eth_src: 'dl_src', eth_dst: 'dl_dst', eth_type: 'dl_type', vlan_tci: 'vlan_tci',
  ip_src: 'nw_src', ip_dst: 'nw_dst', ip_proto: 'nw_proto', ip_dscp: 'nw_tos',
};
const ETH_TYPES: Record<string, string> = { '0x0800': 'ip', '0x800': 'ip', '0x0806': 'arp', '0x806': 'arp', '0x86dd': 'ipv6', '0x8035': 'rarp' };
const IP_PROTOS: Record<string, Record<string, string>> = {
  ip: { '1': 'icmp', '6': 'tcp', '17': 'udp', '132': 'sctp' },
  ipv6: { '58': 'icmp6', '6': 'tcp6', '17': 'udp6', '132': 'sctp6' },
};
const MAC_FIELDS = new Set(['dl_src', 'dl_dst', 'arp_sha', 'arp_tha', 'nd_sll', 'nd_tll']);
const RESERVED_PORTS = new Set(['normal', 'flood', 'all', 'local', 'controller', 'in_port', 'none']);
/** OpenFlow's reserved port numbers as ovs-ofctl names them. */
const RESERVED_NUMBERS: Record<string, string> = { '65534': 'LOCAL', '65535': 'NONE', '65528': 'IN_PORT', '65530': 'NORMAL', '65531': 'FLOOD', '65532': 'ALL', '65533': 'CONTROLLER' };

/** Splits on commas that are not inside parentheses or brackets (actions such as `learn(…)`). */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out.filter((part) => part !== '');
}

function portName(value: string, ports: ReadonlyMap<number, string>): string {
  if (/^\d+$/.test(value)) return RESERVED_NUMBERS[value] ?? ports.get(Number(value)) ?? value;
  return RESERVED_PORTS.has(value.toLowerCase()) ? value.toUpperCase() : value.replace(/^"(.*)"$/, '$1');
}

/** Numeric match fields ovs-ofctl prints in decimal however they were written (dl_vlan=0x64 is 100). */
const DECIMAL_FIELDS = new Set(['priority', 'table', 'dl_vlan', 'dl_vlan_pcp', 'tp_src', 'tp_dst', 'nw_proto', 'nw_tos', 'nw_ttl', 'icmp_type', 'icmp_code', 'idle_timeout', 'hard_timeout']);

/** IPv4 `a.b.c.d/len` or `a.b.c.d/mask` as ovs-ofctl prints it: host bits cleared, `/32` left out. */
function ipv4Match(value: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+(?:\.\d+\.\d+\.\d+)?))?$/.exec(value);
  if (!m) return value;
  const address = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  let mask = 0xffffffff;
  if (m[5]?.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = m[5].split('.').map(Number);
    mask = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  } else if (m[5] !== undefined) {
    const len = Number(m[5]);
    mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  }
  const prefix = mask.toString(2).replace(/0+$/, '').length;
  if (mask !== (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)) return value; // a non-contiguous mask: keep as written
  const net = (address & mask) >>> 0;
  const text = [net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255].join('.');
  return prefix === 32 ? text : `${text}/${prefix}`;
}

function canonicalValue(key: string, value: string): string {
  if (DECIMAL_FIELDS.has(key) && /^0x[0-9a-f]+$/i.test(value)) return String(Number.parseInt(value, 16));
  if (key === 'nw_src' || key === 'nw_dst' || key === 'arp_spa' || key === 'arp_tpa') return ipv4Match(value);
  if (key === 'ipv6_src' || key === 'ipv6_dst') return value.toLowerCase().replace(/\/128$/, '');
  if (MAC_FIELDS.has(key)) return value.toLowerCase().replace(/\/ff:ff:ff:ff:ff:ff$/, '');
  return value;
}

function normaliseMatch(text: string, ports: ReadonlyMap<number, string>): string[] {
  const fields = new Map<string, string | undefined>();
  for (const token of text.split(/[\s,]+/).filter(Boolean)) {
    const eq = token.indexOf('=');
    const rawKey = (eq < 0 ? token : token.slice(0, eq)).toLowerCase();
    const key = SYNONYMS[rawKey] ?? rawKey;
    let value = eq < 0 ? undefined : token.slice(eq + 1);
    if (STATISTICS.has(key)) continue;
    if (value !== undefined && DEFAULTS[key] === value) continue;
    if (value !== undefined) value = canonicalValue(key, value);
    if (key === 'in_port' && value !== undefined) value = portName(value, ports);
    if (key === 'dl_type' && value !== undefined && ETH_TYPES[value.toLowerCase()]) {
      fields.set(ETH_TYPES[value.toLowerCase()] as string, undefined);
      continue;
    }
    fields.set(key, value);
  }
  // `ip,nw_proto=6` is printed as `tcp`.
  for (const [family, protos] of Object.entries(IP_PROTOS)) {
    const proto = fields.get('nw_proto');
    if (fields.has(family) && proto !== undefined && protos[proto]) {
      fields.delete(family);
      fields.delete('nw_proto');
      fields.set(protos[proto], undefined);
    }
  }
  if (!fields.has('priority')) fields.set('priority', '32768');
  return [...fields.entries()].map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).sort();
}

function normaliseActions(text: string, ports: ReadonlyMap<number, string>): string {
  const actions = splitTopLevel(text).map((action) => {
    const lower = action.toLowerCase();
    if (lower === 'drop') return 'drop';
    // `controller` is printed with its default max_len: CONTROLLER:65535.
    if (lower === 'controller') return 'CONTROLLER:65535';
    if (/^controller:\d+$/.test(lower)) return lower.toUpperCase();
    // ovs-ofctl prints output to a reserved port by its bare name (LOCAL), to others as output:N.
    const output = /^(?:output:)?(.+)$/i.exec(action);
    if (output?.[1] && (/^\d+$/.test(output[1]) || /^output:/i.test(action) || RESERVED_PORTS.has(lower))) {
      const port = portName(output[1], ports);
      return RESERVED_PORTS.has(port.toLowerCase()) ? port.toUpperCase() : `output:${port}`;
    }
    return action;
  });
  return actions.length === 0 ? 'drop' : actions.join(',');
}

/**
 * The comparable form of one flow, written by hand or printed by dump-flows:
 * `<sorted match fields> actions=<actions>`.
 */
export function normaliseFlow(flow: string, ports: ReadonlyMap<number, string> = new Map()): string {
  const at = flow.search(/\bactions=/i);
  const matchText = at < 0 ? flow : flow.slice(0, at);
  const actionsText = at < 0 ? '' : flow.slice(at + 'actions='.length);
  return `${normaliseMatch(matchText, ports).join(',')} actions=${normaliseActions(actionsText.trim(), ports)}`;
}

export interface DumpedFlow {
  cookie: string;
  /** The flow as printed, statistics removed. */
  flow: string;
}

/** The flows in `ovs-ofctl dump-flows` output (header lines such as `NXST_FLOW reply` are skipped). */
export function parseDumpFlows(text: string): DumpedFlow[] {
  const flows: DumpedFlow[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    const cookie = /^cookie=(0x[0-9a-f]+)/i.exec(trimmed);
    if (!cookie?.[1]) continue;
    const at = trimmed.search(/\bactions=/);
    const match = (at < 0 ? trimmed : trimmed.slice(0, at))
      .split(/[\s,]+/)
      .filter((t) => t !== '' && !STATISTICS.has(t.split('=')[0] ?? '') && t !== 'table=0');
    flows.push({ cookie: cookie[1].toLowerCase(), flow: `${match.join(',')} ${at < 0 ? '' : trimmed.slice(at)}`.trim() });
  }
  return flows;
}

/**
 * A cookie as ovs-ofctl prints it: lowercase hex with `0x` and no leading zeros.
 * Returns undefined for anything that is not a non-zero 64-bit number.
 */
export function normaliseCookie(value: string | number): string | undefined {
  let n: bigint;
  try {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) return undefined;
      n = BigInt(value);
    } else if (/^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) n = BigInt(value.trim());
    else return undefined;
  } catch {
    return undefined;
  }
  if (n <= 0n || n >= 1n << 64n) return undefined;
  return `0x${n.toString(16)}`;
}

/** A dumped flow for the operator: port numbers shown as the port names they stand for. */
export function withPortNames(flow: string, ports: ReadonlyMap<number, string>): string {
  return flow.replace(/\b(in_port=|output:)(\d+)\b/g, (all, field: string, n: string) => {
    const name = ports.get(Number(n));
    return name ? `${field}${name}` : all;
  });
}

export interface FlowChanges {
  /** Desired flows not on the switch, as the operator wrote them. */
  add: string[];
  /** Flows on the switch under the cookie that are not desired, as dump-flows printed them. */
  remove: string[];
}

/** Desired flows vs the flows dumped under the owned cookie (null: the bridge does not exist yet). */
export function diffFlows(desired: readonly string[], dumped: string | null, ports: ReadonlyMap<number, string>, cookie: string): FlowChanges {
  const actual = dumped === null ? [] : parseDumpFlows(dumped).filter((f) => f.cookie === cookie);
  const actualKeys = new Set(actual.map((f) => normaliseFlow(f.flow, ports)));
  const desiredKeys = new Set<string>();
  const add: string[] = [];
  for (const flow of desired) {
    const key = normaliseFlow(flow, ports);
    if (desiredKeys.has(key)) continue;
    desiredKeys.add(key);
    if (!actualKeys.has(key)) add.push(flow);
  }
  // dump-flows order is the switch's hash order: sort, so the same state always prints the same changes.
  const remove = actual
    .filter((f) => !desiredKeys.has(normaliseFlow(f.flow, ports)))
    .map((f) => withPortNames(f.flow, ports))
    .sort();
  return { add, remove };
}

/**
 * Shell text that replaces every flow under `cookie` on `bridge` with `flows`
 * in ONE OpenFlow bundle (applied atomically or not at all; needs OpenFlow 1.4,
 * which Open vSwitch enables by default). Flows under other cookies are never
 * touched: the delete is masked to exactly this cookie.
 */
export function replaceCookieFlowsCommand(bridge: string, cookie: string, flows: readonly string[]): string {
  const lines = [`delete cookie=${cookie}/-1`, ...flows.map((flow) => `add cookie=${cookie},${flow}`)];
  return `printf '%s\\n' ${lines.map(quote).join(' ')} | ovs-ofctl --bundle add-flows ${quote(bridge)} -`;
}

/** What is wrong with a flow string an operator wrote, or undefined when it is usable. */
export function flowProblem(flow: string): string | undefined {
  if (/[\n\r]/.test(flow)) return 'a flow is one line';
  if (!/\bactions=/i.test(flow)) return 'a flow needs actions= (e.g. actions=drop)';
  if (/(^|[\s,])cookie=/i.test(flow)) return 'leave cookie= out of the flow: the task\'s cookie is added';
  if (/^\s*(add|modify|delete|modify_strict|delete_strict)\s/i.test(flow)) return 'write the flow only, without add/delete';
  return undefined;
}
