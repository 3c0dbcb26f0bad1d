/**
 * NetworkManager persistence: one keyfile per interface,
 * /etc/NetworkManager/system-connections/zonectl-IFNAME.nmconnection (mode
 * 0600: NM ignores keyfiles others can read), rendered from the tasks' blocks
 * kept in /etc/NetworkManager/zonectl.blocks (see model.ts; NM only reads
 * profiles from system-connections/, so the source is never parsed by it).
 *
 * Format relied on (nm-settings-keyfile(5) and nm-settings-nmcli(5), NM 1.42
 * as in Debian 12; checked by loading the files into a real NetworkManager,
 * test/fixtures/netconfig/nm-*): `[connection]` id, type (bridge, vlan,
 * ethernet), interface-name, and for a bridge port master + slave-type=bridge
 * (a port carries no IP settings); `[ethernet] mtu`; `[bridge] stp`,
 * forward-delay (2–30 s, only meaningful with STP); `[vlan] id, parent`;
 * `[ipv4]`/`[ipv6]` method=manual with address1=…, routeN=DEST,GATEWAY,METRIC
 * (empty gateway for an on-link route) and routeN_options=table=T. Without
 * addresses IPv4 is `disabled` and IPv6 `ignore` (left to the kernel, as
 * ifupdown would). NM 1.42 has no VLAN protocol property, so 802.1ad is refused.
 *
 * `renderNetworkManager` (TypeScript) and `AWK_NETWORKMANAGER` (the host) give the same bytes.
 */
import { AWK_READ_MODEL, byteOrder, readModel } from './model.ts';
import type { InterfaceModel, RouteModel } from './model.ts';

export const NM_DIR = '/etc/NetworkManager/system-connections';
export const NM_SOURCE = '/etc/NetworkManager/zonectl.blocks';
export const NM_HEADER = `# Written by zonectl from ${NM_SOURCE} (one block per task); change the playbook, not this file.`;

export function nmPath(ifname: string): string {
  return `${NM_DIR}/zonectl-${ifname}.nmconnection`;
}

/** Keyfile path → content for a source file; empty when it defines nothing. */
export function renderNetworkManager(source: string | null): Map<string, string> {
  const model = readModel(source);
  const master = new Map<string, string>();
  for (const i of model.values()) for (const p of i.bridge?.ports ?? []) master.set(p, i.name);
  // A vlan's own `bridge` wins over a bridge block listing it (the awk applies them in this order too).
  for (const i of model.values()) if (i.vlan?.bridge !== undefined && i.vlan.bridge !== '') master.set(i.name, i.vlan.bridge);
  const names = [...new Set([...model.keys(), ...master.keys()])].sort(byteOrder);
  const files = new Map<string, string>();
  for (const name of names) files.set(nmPath(name), keyfile(name, model.get(name), master.get(name)));
  return files;
}

function keyfile(name: string, i: InterfaceModel | undefined, master: string | undefined): string {
  const type = i?.bridge ? 'bridge' : i?.vlan ? 'vlan' : 'ethernet';
  const out = [NM_HEADER, '[connection]', `id=zonectl-${name}`, `type=${type}`, `interface-name=${name}`];
  if (master !== undefined) out.push(`master=${master}`, 'slave-type=bridge');
  const mtu = i?.linkMtu ?? i?.deviceMtu;
  if (mtu !== undefined && mtu !== '') out.push('', '[ethernet]', `mtu=${mtu}`);
  if (i?.bridge) {
    out.push('', '[bridge]', `stp=${i.bridge.stp ? 'true' : 'false'}`);
    if (i.bridge.stp) out.push(`forward-delay=${i.bridge.forwardDelay}`);
  }
  if (i?.vlan) out.push('', '[vlan]', `id=${i.vlan.id}`, `parent=${i.vlan.parent}`);
  if (master === undefined) {
    for (const family of [4, 6] as const) out.push('', ...ipSection(i, family));
  }
  return `${out.join('\n')}\n`;
}

function ipSection(i: InterfaceModel | undefined, family: 4 | 6): string[] {
  const addrs = (i?.addresses ?? []).filter((a) => a.includes(':') === (family === 6));
  const routes = (i?.routes ?? []).filter((r) => r.family === family);
  const lines = [`[ipv${family}]`];
  if (addrs.length === 0) lines.push(`method=${family === 4 ? 'disabled' : 'ignore'}`);
  else lines.push('method=manual', ...addrs.map((a, n) => `address${n + 1}=${a}`));
  routes.forEach((r, n) => {
    lines.push(`route${n + 1}=${routeValue(r)}`);
    if (r.table !== '254') lines.push(`route${n + 1}_options=table=${r.table}`);
  });
  return lines;
}

function routeValue(r: RouteModel): string {
  const to = r.to === 'default' ? (r.family === 6 ? '::/0' : '0.0.0.0/0') : r.to;
  return `${to},${r.via ?? ''},${r.metric}`;
}

/**
 * The same render in awk: reads the source on stdin and writes each keyfile
 * as `dir/zonectl-NAME.nmconnection` (`dir` given with -v), nothing else.
 */
export const AWK_NETWORKMANAGER = `${AWK_READ_MODEL}
function ipsec(name, fam, f,   k, na, nr, m) {
  print "" > f
  print "[ipv" fam "]" > f
  na = 0
  for (k = 1; k <= naddr[name]; k++) if ((index(addr[name, k], ":") > 0) == (fam == 6)) na++
  if (na == 0) print "method=" (fam == 4 ? "disabled" : "ignore") > f
  else {
    print "method=manual" > f; na = 0
    for (k = 1; k <= naddr[name]; k++) if ((index(addr[name, k], ":") > 0) == (fam == 6)) print "address" (++na) "=" addr[name, k] > f
  }
  nr = 0
  for (k = 1; k <= nrt[name]; k++) {
    if (rfam[name, k] != fam) continue
    nr++
    m = rto[name, k]; if (m == "default") m = (fam == 6) ? "::/0" : "0.0.0.0/0"
    print "route" nr "=" m "," rvia[name, k] "," rmet[name, k] > f
    if (rtab[name, k] != "254") print "route" nr "_options=table=" rtab[name, k] > f
  }
}
END {
  for (k = 1; k <= nn; k++) { x = names[k]; all[x] = 1
    if (x in isbr) { np = split(ports[x], p, " "); for (j = 1; j <= np; j++) { mst[p[j]] = x; all[p[j]] = 1 } }
  }
  for (k = 1; k <= nn; k++) { x = names[k]; if ((x in isvl) && vbr[x] != "") mst[x] = vbr[x] }
  for (x in all) {
    f = dir "/zonectl-" x ".nmconnection"
    type = (x in isbr) ? "bridge" : ((x in isvl) ? "vlan" : "ethernet")
    print header > f
    print "[connection]" > f; print "id=zonectl-" x > f; print "type=" type > f; print "interface-name=" x > f
    if (x in mst) { print "master=" mst[x] > f; print "slave-type=bridge" > f }
    m = (x in lnkmtu) ? lnkmtu[x] : ((x in devmtu) ? devmtu[x] : "")
    if (m != "") { print "" > f; print "[ethernet]" > f; print "mtu=" m > f }
    if (x in isbr) { print "" > f; print "[bridge]" > f; print "stp=" (stp[x] ? "true" : "false") > f; if (stp[x]) print "forward-delay=" fd[x] > f }
    if (x in isvl) { print "" > f; print "[vlan]" > f; print "id=" vid[x] > f; print "parent=" vparent[x] > f }
    if (!(x in mst)) { ipsec(x, 4, f); ipsec(x, 6, f) }
    close(f)
  }
}
`;
