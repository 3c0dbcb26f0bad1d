/**
 * Every name and address a lab uses on this machine, derived from the lab and
 * node names. Pure. Host-side names all have the shape `z<lab>-<suffix>` with a
 * suffix that holds no '-', so one lab's names can never be read as another's
 * (lab `ab` owns `zab-m`, lab `ab-x` owns `zab-x-m`), and a sweep by pattern
 * only ever matches the lab it is asked about.
 */
import { createHash } from 'node:crypto';

/** Lab names: short so `z<lab>-s9e99` (15 chars) fits Linux's interface name limit. */
export const LAB_NAME = /^[a-z][a-z0-9-]{0,7}$/;
export const LAB_NAME_RULE = '1-8 characters a-z, 0-9 and -, starting with a letter';
/** Node names are host names in the inventory. */
export const NODE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
export const NODE_NAME_RULE = '1-40 characters a-z, 0-9, _ and -, starting with a letter';
/** Linux interface names: at most 15 bytes, no '/', ':', whitespace. */
export const IFACE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
export const IFACE_NAME_RULE = '1-15 characters A-Z, a-z, 0-9, _, . and -';
/** The interface every node reaches the management bridge through. */
export const MGMT_IFACE = 'mgmt0';

/** Where all labs keep their state (on this machine /run is not a tmpfs, but it is the runtime place). */
export const LABS_DIR = process.env.ZONECTL_LABS_DIR ?? '/run/zonectl/labs';

export function labStateDir(lab: string): string {
  return `${LABS_DIR}/${lab}`;
}

/** A node's network namespace: `zl.<lab>.<node>` ('.' is in neither name). */
export function nodeNetns(lab: string, node: string): string {
  return `zl.${lab}.${node}`;
}

export function netnsPrefix(lab: string): string {
  return `zl.${lab}.`;
}

export function mgmtBridge(lab: string): string {
  return `z${lab}-m`;
}

/** Controller side of node number `index`'s management veth. */
export function mgmtHostIface(lab: string, index: number): string {
  return `z${lab}-m${index}`;
}

export function segmentBridge(lab: string, segment: number): string {
  return `z${lab}-s${segment}`;
}

/** Controller side of a segment member's veth. */
export function segmentHostIface(lab: string, segment: number, member: number): string {
  return `z${lab}-s${segment}e${member}`;
}

/** Whether a controller interface name is one this lab makes (for the sweep in `down`). */
export function isLabHostIface(lab: string, ifname: string): boolean {
  const prefix = `z${lab}-`;
  return ifname.startsWith(prefix) && /^(?:m|m\d+|s\d+|s\d+e\d+)$/.test(ifname.slice(prefix.length));
}

/**
 * Candidate management subnets for a lab without one in its topology, in the
 * order to try: 10.213.X.0/24 starting at a hash of the name, so a lab usually
 * gets the same subnet each time and two labs rarely try the same one first.
 */
export function defaultSubnetCandidates(lab: string): string[] {
  const start = createHash('sha256').update(lab).digest()[0] as number;
  return Array.from({ length: 256 }, (_, i) => `10.213.${(start + i) % 256}.0/24`);
}

export interface Subnet24 {
  /** The first three octets, e.g. `10.213.7`. */
  prefix: string;
  cidr: string;
}

/** Parses `a.b.c.0/24`; undefined when it is not one. */
export function parseSubnet24(text: string): Subnet24 | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(text);
  if (!m) return undefined;
  const octets = [m[1], m[2], m[3]].map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const prefix = octets.join('.');
  return { prefix, cidr: `${prefix}.0/24` };
}

/** The controller's address on the management bridge. */
export function controllerAddress(subnet: Subnet24): string {
  return `${subnet.prefix}.1`;
}

/** Node number `index` (0-based) gets .10 upward; .2-.9 stay free for the operator. */
export const MAX_NODES = 245;
export function nodeAddress(subnet: Subnet24, index: number): string {
  if (index < 0 || index >= MAX_NODES) throw new Error(`node index ${index} out of range`);
  return `${subnet.prefix}.${index + 10}`;
}

/** IPv4 CIDR to [first, last] as 32-bit numbers; undefined for anything else (IPv6, `default`). */
export function ipv4Range(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr);
  if (!m) return undefined;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return undefined;
  const addr = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const size = 2 ** (32 - bits);
  const first = Math.floor(addr / size) * size;
  return [first, first + size - 1];
}

export function rangesOverlap(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}
