/**
 * The per-interface model the netplan and NetworkManager backends render from.
 *
 * Those backends keep the tasks' blocks in one "source" file in the owned-block
 * format (blockfile.ts), keyed `IFNAME KEY` (`cloudbr0 10-bridge`), each block
 * holding the stanza lines the modules give (ifupdown.ts). The host-side
 * rewrite stays the proven awk block filter; a second, pure render step turns
 * the whole source into the backend's files. Rendering from ALL blocks at once
 * is what lets a bridge task and an address task on cloudbr0 land in one
 * `bridges: cloudbr0:` entry (netplan) or one keyfile (NetworkManager) in any
 * order: the interface's type comes from whichever block makes the device.
 *
 * `readModel` (TypeScript) and `AWK_READ_MODEL` (the host) read the same
 * lines the same way; test/netconfig/render.test.ts runs both.
 */
import { BLOCK_MARK } from './blockfile.ts';

export interface RouteModel {
  to: string;
  via: string | undefined;
  metric: string;
  table: string;
  family: 4 | 6;
}

export interface InterfaceModel {
  name: string;
  /** From a `10-bridge` block. */
  bridge: { ports: string[]; stp: boolean; forwardDelay: string } | undefined;
  /** From a `10-vlan` block. */
  vlan: { parent: string; id: string; protocol: string; bridge: string | undefined } | undefined;
  /** MTU of the device block (bridge, vlan). */
  deviceMtu: string | undefined;
  /** MTU of a `20-link` block: it wins over the device block's (it comes later). */
  linkMtu: string | undefined;
  addresses: string[];
  routes: RouteModel[];
}

function blankInterface(name: string): InterfaceModel {
  return { name, bridge: undefined, vlan: undefined, deviceMtu: undefined, linkMtu: undefined, addresses: [], routes: [] };
}

/** Source key of a task's block: interface name, then the ifupdown block key. */
export function sourceKey(ifname: string, key: string): string {
  return `${ifname} ${key}`;
}

type Kind = 'bridge' | 'vlan' | 'link' | 'address' | 'route' | '';

function kindOf(key: string): Kind {
  if (key.startsWith('10-bridge')) return 'bridge';
  if (key.startsWith('10-vlan')) return 'vlan';
  if (key.startsWith('20-link')) return 'link';
  if (key.startsWith('30-address')) return 'address';
  if (key.startsWith('40-route')) return 'route';
  return '';
}

/** Interfaces of a source file, by name (insertion order = source order). Unknown lines are ignored. */
export function readModel(source: string | null): Map<string, InterfaceModel> {
  const model = new Map<string, InterfaceModel>();
  if (source === null) return model;
  let iface: InterfaceModel | undefined;
  let kind: Kind = '';
  let route: RouteModel | undefined;
  for (const line of source.split('\n')) {
    if (line.startsWith(BLOCK_MARK)) {
      const rest = line.slice(BLOCK_MARK.length);
      const sp = rest.indexOf(' ');
      if (sp <= 0) {
        iface = undefined;
        continue;
      }
      const name = rest.slice(0, sp);
      kind = kindOf(rest.slice(sp + 1));
      iface = model.get(name) ?? blankInterface(name);
      model.set(name, iface);
      if (kind === 'bridge') iface.bridge = { ports: [], stp: false, forwardDelay: '0' };
      if (kind === 'vlan') iface.vlan = { parent: '', id: '', protocol: '802.1Q', bridge: undefined };
      route = undefined;
      continue;
    }
    if (iface === undefined) continue;
    const w = line.trim().split(/\s+/);
    const [word, arg] = w;
    if (kind === 'bridge' && iface.bridge) {
      if (word === 'bridge-ports') iface.bridge.ports = arg === 'none' ? [] : w.slice(1);
      else if (word === 'bridge-stp') iface.bridge.stp = arg === 'on';
      else if (word === 'bridge-fd' && arg !== undefined) iface.bridge.forwardDelay = arg;
      else if (word === 'mtu') iface.deviceMtu = arg;
    } else if (kind === 'vlan' && iface.vlan) {
      if (word === 'vlan-raw-device' && arg !== undefined) iface.vlan.parent = arg;
      else if (word === 'vlan-id' && arg !== undefined) iface.vlan.id = arg;
      else if (word === 'vlan-protocol' && arg !== undefined) iface.vlan.protocol = arg;
      else if (word === 'mtu') iface.deviceMtu = arg;
      else if (word === 'post-up') iface.vlan.bridge = after(w, 'master');
    } else if (kind === 'link') {
      if (word === 'mtu') iface.linkMtu = arg;
    } else if (kind === 'address') {
      if (word === 'address' && arg !== undefined) iface.addresses.push(arg);
    } else if (kind === 'route' && route === undefined && word === 'up' && arg === 'ip') {
      route = {
        to: after(w, 'replace') ?? '',
        via: after(w, 'via'),
        metric: after(w, 'metric') ?? '0',
        table: after(w, 'table') ?? '254',
        family: w.includes('-6') ? 6 : 4,
      };
      iface.routes.push(route);
    }
  }
  return model;
}

function after(words: readonly string[], word: string): string | undefined {
  const i = words.indexOf(word);
  return i >= 0 ? words[i + 1] : undefined;
}

/**
 * The same reading in awk (POSIX/mawk: no gawk extensions). Fills arrays the
 * render programs use: names[1..nn] (first-seen order), isbr/ports/stp/fd,
 * isvl/vparent/vid/vproto/vbr, devmtu, lnkmtu, naddr/addr, nrt/rto/rvia/rmet/rtab/rfam.
 */
export const AWK_READ_MODEL = `
function after(w, n, x,   i) { for (i = 1; i < n; i++) if (w[i] == x) return w[i + 1]; return "" }
function has(w, n, x,   i) { for (i = 1; i <= n; i++) if (w[i] == x) return 1; return 0 }
index($0, mark) == 1 {
  rest = substr($0, length(mark) + 1); sp = index(rest, " ")
  if (sp <= 1) { ifn = ""; next }
  ifn = substr(rest, 1, sp - 1); key = substr(rest, sp + 1)
  kind = ""
  if (index(key, "10-bridge") == 1) kind = "bridge"
  else if (index(key, "10-vlan") == 1) kind = "vlan"
  else if (index(key, "20-link") == 1) kind = "link"
  else if (index(key, "30-address") == 1) kind = "address"
  else if (index(key, "40-route") == 1) kind = "route"
  if (!(ifn in seen)) { seen[ifn] = 1; names[++nn] = ifn; naddr[ifn] = 0; nrt[ifn] = 0 }
  if (kind == "bridge") { isbr[ifn] = 1; ports[ifn] = ""; stp[ifn] = 0; fd[ifn] = "0" }
  if (kind == "vlan") { isvl[ifn] = 1; vparent[ifn] = ""; vid[ifn] = ""; vproto[ifn] = "802.1Q"; vbr[ifn] = "" }
  inroute = 0
  next
}
ifn == "" { next }
{
  n = split($0, w, " "); word = w[1]; arg = (n >= 2) ? w[2] : ""
  if (kind == "bridge") {
    if (word == "bridge-ports") { ports[ifn] = ""; if (arg != "none") for (i = 2; i <= n; i++) ports[ifn] = ports[ifn] (i > 2 ? " " : "") w[i] }
    else if (word == "bridge-stp") stp[ifn] = (arg == "on")
    else if (word == "bridge-fd" && n >= 2) fd[ifn] = arg
    else if (word == "mtu") devmtu[ifn] = arg
  } else if (kind == "vlan") {
    if (word == "vlan-raw-device" && n >= 2) vparent[ifn] = arg
    else if (word == "vlan-id" && n >= 2) vid[ifn] = arg
    else if (word == "vlan-protocol" && n >= 2) vproto[ifn] = arg
    else if (word == "mtu") devmtu[ifn] = arg
    else if (word == "post-up") vbr[ifn] = after(w, n, "master")
  } else if (kind == "link") {
    if (word == "mtu") lnkmtu[ifn] = arg
  } else if (kind == "address") {
    if (word == "address" && n >= 2) addr[ifn, ++naddr[ifn]] = arg
  } else if (kind == "route" && !inroute && word == "up" && arg == "ip") {
    inroute = 1; r = ++nrt[ifn]
    rto[ifn, r] = after(w, n, "replace"); rvia[ifn, r] = after(w, n, "via")
    rmet[ifn, r] = after(w, n, "metric"); if (rmet[ifn, r] == "") rmet[ifn, r] = "0"
    rtab[ifn, r] = after(w, n, "table"); if (rtab[ifn, r] == "") rtab[ifn, r] = "254"
    rfam[ifn, r] = has(w, n, "-6") ? 6 : 4
  }
}
# Sorted (byte order under LC_ALL=C) list of names in arr[1..n]: insertion sort, mawk has no asort.
function sortnames(arr, n,   i, j, t) {
  for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
}
`;

/** Byte-order comparison, as awk compares strings under LC_ALL=C (names are ASCII). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every name a task's block brings into the rendered files (names, ports, parents, bridges). */
export function namesOf(i: InterfaceModel): string[] {
  return [i.name, ...(i.bridge?.ports ?? []), ...(i.vlan ? [i.vlan.parent] : []), ...(i.vlan?.bridge !== undefined ? [i.vlan.bridge] : [])];
}
