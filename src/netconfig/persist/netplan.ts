/**
 * netplan persistence: ONE file, /etc/netplan/60-zonectl.yaml, rendered from
 * the tasks' blocks kept in /etc/netplan/60-zonectl.blocks (see model.ts;
 * netplan reads only `*.yaml`, so the source beside it is never parsed).
 *
 * Schema relied on (netplan.io reference, "YAML configuration", 0.106 as in
 * Debian 12; checked with its generator, test/fixtures/netconfig/netplan-*):
 * `network: {version: 2, ethernets, vlans, bridges}`; a bridge has
 * `interfaces` (each must be defined somewhere in netplan, hence the empty
 * `{}` entries for ports), `parameters: {stp, forward-delay}`; a vlan has
 * `id` and `link`; every device takes `mtu`, `addresses` and `routes` items
 * with `to`, `via`, `metric`, `table`, and `scope: link` for a route without
 * a gateway. netplan has no VLAN protocol key, so 802.1ad is refused.
 *
 * `renderNetplan` (TypeScript) and `AWK_NETPLAN` (the host) print the same bytes.
 */
import { AWK_READ_MODEL, byteOrder, readModel } from './model.ts';
import type { InterfaceModel } from './model.ts';

export const NETPLAN_FILE = '/etc/netplan/60-zonectl.yaml';
export const NETPLAN_SOURCE = '/etc/netplan/60-zonectl.blocks';
export const NETPLAN_HEADER = `# Written by zonectl from ${NETPLAN_SOURCE} (one block per task); change the playbook, not this file.`;

type Section = 'ethernets' | 'vlans' | 'bridges';

/** The YAML for a source file, or null when it defines nothing (the file is then removed). */
export function renderNetplan(source: string | null): string | null {
  const model = readModel(source);
  if (model.size === 0) return null;
  const section = new Map<string, Section>();
  // A vlan's `bridge` makes that name a bridge even without a bridge block here (it may be defined in another netplan file).
  const bridgedVlans = new Map<string, string[]>();
  for (const i of model.values()) {
    section.set(i.name, i.bridge ? 'bridges' : i.vlan ? 'vlans' : 'ethernets');
  }
  for (const i of model.values()) {
    if (!i.bridge && i.vlan?.bridge) {
      const br = i.vlan.bridge;
      if (!model.get(br)?.bridge) section.set(br, 'bridges');
      bridgedVlans.set(br, [...(bridgedVlans.get(br) ?? []), i.name]);
    }
  }
  // Ports and parents netplan must know about: an empty ethernet entry unless defined here.
  for (const i of model.values()) {
    const refs = [...(i.bridge?.ports ?? []), ...(i.vlan && !i.bridge ? [i.vlan.parent] : [])];
    for (const ref of refs) if (ref !== '' && !section.has(ref)) section.set(ref, 'ethernets');
  }
  const out = [NETPLAN_HEADER, 'network:', '  version: 2'];
  for (const s of ['ethernets', 'vlans', 'bridges'] as const) {
    const names = [...section.keys()].filter((n) => section.get(n) === s).sort(byteOrder);
    if (names.length === 0) continue;
    out.push(`  ${s}:`);
    for (const name of names) {
      const body = interfaceBody(model.get(name), s, [...(bridgedVlans.get(name) ?? [])].sort(byteOrder));
      if (body.length === 0) out.push(`    ${name}: {}`);
      else out.push(`    ${name}:`, ...body.map((l) => `      ${l}`));
    }
  }
  return `${out.join('\n')}\n`;
}

function interfaceBody(i: InterfaceModel | undefined, s: Section, vlanPorts: string[]): string[] {
  const body: string[] = [];
  if (s === 'vlans' && i?.vlan) body.push(`id: ${i.vlan.id}`, `link: ${i.vlan.parent}`);
  if (s === 'bridges') {
    const ports = [...(i?.bridge?.ports ?? [])];
    for (const v of vlanPorts) if (!ports.includes(v)) ports.push(v);
    if (ports.length > 0) body.push(`interfaces: [${ports.join(', ')}]`);
    if (i?.bridge) body.push('parameters:', `  stp: ${i.bridge.stp ? 'true' : 'false'}`, `  forward-delay: ${i.bridge.forwardDelay}`);
  }
  if (i === undefined) return body;
  const mtu = i.linkMtu ?? i.deviceMtu;
  if (mtu !== undefined && mtu !== '') body.push(`mtu: ${mtu}`);
  if (i.addresses.length > 0) body.push('addresses:', ...i.addresses.map((a) => `  - "${a}"`));
  if (i.routes.length > 0) {
    body.push('routes:');
    for (const r of i.routes) {
      // `to: default` without a gateway aborts netplan 0.106's generator (family unknown): name the family's default.
      body.push(`  - to: "${r.to === 'default' ? (r.family === 6 ? '::/0' : '0.0.0.0/0') : r.to}"`);
      body.push(r.via !== undefined && r.via !== '' ? `    via: "${r.via}"` : '    scope: link');
      body.push(`    metric: ${r.metric}`);
      if (r.table !== '254') body.push(`    table: ${r.table}`);
    }
  }
  return body;
}

/** The same render in awk: reads the source on stdin, prints the YAML (nothing when it defines nothing). */
export const AWK_NETPLAN = `${AWK_READ_MODEL}
function body(name, s,   b, i, k, p, np, pl, m, t) {
  b = ""
  if (s == "vlans" && (name in isvl)) b = b "id: " vid[name] "\\n" "link: " vparent[name] "\\n"
  if (s == "bridges") {
    np = 0; pl = ""
    if (name in isbr) { np = split(ports[name], p, " ") }
    for (k = 1; k <= np; k++) { pl = pl (k > 1 ? ", " : "") p[k]; inports[p[k]] = name }
    for (k = 1; k <= nbv[name]; k++) if (inports[bv[name, k]] != name) { pl = pl (pl != "" ? ", " : "") bv[name, k] }
    if (pl != "") b = b "interfaces: [" pl "]\\n"
    if (name in isbr) b = b "parameters:\\n  stp: " (stp[name] ? "true" : "false") "\\n  forward-delay: " fd[name] "\\n"
  }
  if (!(name in seen)) return b
  m = (name in lnkmtu) ? lnkmtu[name] : ((name in devmtu) ? devmtu[name] : "")
  if (m != "") b = b "mtu: " m "\\n"
  if (naddr[name] > 0) { b = b "addresses:\\n"; for (k = 1; k <= naddr[name]; k++) b = b "  - \\"" addr[name, k] "\\"\\n" }
  if (nrt[name] > 0) {
    b = b "routes:\\n"
    for (k = 1; k <= nrt[name]; k++) {
      t = rto[name, k]; if (t == "default") t = (rfam[name, k] == 6) ? "::/0" : "0.0.0.0/0"
      b = b "  - to: \\"" t "\\"\\n"
      b = b (rvia[name, k] != "" ? "    via: \\"" rvia[name, k] "\\"\\n" : "    scope: link\\n")
      b = b "    metric: " rmet[name, k] "\\n"
      if (rtab[name, k] != "254") b = b "    table: " rtab[name, k] "\\n"
    }
  }
  return b
}
END {
  if (nn == 0) exit 0
  for (k = 1; k <= nn; k++) { x = names[k]; sec[x] = (x in isbr) ? "bridges" : ((x in isvl) ? "vlans" : "ethernets") }
  for (k = 1; k <= nn; k++) {
    x = names[k]
    if (!(x in isbr) && (x in isvl) && vbr[x] != "") {
      if (!(vbr[x] in isbr)) sec[vbr[x]] = "bridges"
      bv[vbr[x], ++nbv[vbr[x]]] = x
    }
  }
  for (k = 1; k <= nn; k++) {
    x = names[k]; nr = 0
    if (x in isbr) nr = split(ports[x], refs, " ")
    if (!(x in isbr) && (x in isvl)) { nr = 1; refs[1] = vparent[x] }
    for (j = 1; j <= nr; j++) if (refs[j] != "" && !(refs[j] in sec)) sec[refs[j]] = "ethernets"
  }
  # vlans bridged to one bridge, in byte order
  for (x in nbv) { nl = 0; for (j = 1; j <= nbv[x]; j++) tmp[++nl] = bv[x, j]; sortnames(tmp, nl); for (j = 1; j <= nl; j++) bv[x, j] = tmp[j] }
  print header; print "network:"; print "  version: 2"
  split("ethernets vlans bridges", order, " ")
  for (o = 1; o <= 3; o++) {
    nl = 0
    for (x in sec) if (sec[x] == order[o]) list[++nl] = x
    if (nl == 0) continue
    sortnames(list, nl)
    print "  " order[o] ":"
    for (j = 1; j <= nl; j++) {
      b = body(list[j], order[o])
      if (b == "") { print "    " list[j] ": {}"; continue }
      print "    " list[j] ":"
      nb = split(b, bl, "\\n")
      for (i = 1; i < nb; i++) print "      " bl[i]
    }
  }
}
`;
