/**
 * ovs_tunnel_mesh: one GRE/VXLAN tunnel port from this host to every other
 * host of a group (CloudStack's `t<key>-<from>-<to>` shape), plus drop flows
 * for broadcast and multicast arriving on each tunnel.
 *
 * The mesh owns the ports it tags `external_ids:zonectl-mesh=<type>-<key>` on
 * its bridge: tunnels to hosts that left the group are removed, nothing else
 * is touched. Port changes are ONE ovs-vsctl transaction; the drop flows
 * (matched by port NAME, since OpenFlow port numbers exist only once a port
 * does) are then replaced in one OpenFlow bundle under the mesh's cookie.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { defineModule, TaskError, type Change } from '../contract.ts';
import { ownedCookie } from '../../ovs/cookie.ts';
import { diffFlows, replaceCookieFlowsCommand } from '../../ovs/flows.ts';
import { flowsKey, ovsProbeScript, parseOvsProbe } from '../../ovs/probe.ts';
import { ovsName } from '../../ovs/schema.ts';
import { ofportNames, type OvsPort, type OvsState } from '../../ovs/state.ts';
import { mapEntry, mapSteps, ovsdbString, vsctlTransaction } from '../../ovs/vsctl.ts';
import { resolveTunnels, type Tunnel } from './resolve.ts';

const ipAddress = z.string().refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address');

export const meshParams = z
  .object({
    bridge: ovsName,
    type: z.enum(['gre', 'vxlan']).default('gre'),
    key: z.number({ invalid_type_error: 'must be a number' }).int().min(0, 'must be ≥ 0'),
    peers: z.union([z.string().min(1), z.array(z.string().min(1))], { invalid_type_error: 'must be a group name or a list of hosts' }),
    local_ip: ipAddress.optional(),
    dst_port: z.number().int().min(1).max(65535).optional(),
    remote_ip_var: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name').default('tunnel_ip'),
    drop_flows: z.boolean().default(true),
    cookie: ownedCookie.optional(),
    /** Filled by prepare (compile time) from peers; never written by hand. */
    tunnels: z.array(z.object({ name: ovsName, peer: z.string(), remote_ip: ipAddress }).strict()).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const max = p.type === 'gre' ? 2 ** 32 - 1 : 2 ** 24 - 1;
    if (p.key > max) ctx.addIssue({ code: 'custom', path: ['key'], message: `a ${p.type} key must be 0-${max}` });
    if (p.dst_port !== undefined && p.type !== 'vxlan') ctx.addIssue({ code: 'custom', path: ['dst_port'], message: 'dst_port is for vxlan only' });
  });

export type MeshParams = z.infer<typeof meshParams>;

export interface MeshState {
  ovs: OvsState;
  /** dump-flows under the mesh cookie; null when the bridge does not exist yet. */
  dumped: string | null;
}

/** The value of external_ids:zonectl-mesh on every port the mesh owns. */
export function meshId(p: Pick<MeshParams, 'type' | 'key'>): string {
  return `${p.type}-${p.key}`;
}

/**
 * The mesh's cookie unless one is given: 0x7a6d ("zm") in the top 16 bits,
 * 1 for gre / 2 for vxlan in the next 16, the key in the low 32.
 */
export function meshCookie(p: Pick<MeshParams, 'type' | 'key' | 'cookie'>): string {
  if (p.cookie) return p.cookie;
  const value = (0x7a6dn << 48n) | (BigInt(p.type === 'gre' ? 1 : 2) << 32n) | BigInt(p.key);
  return `0x${value.toString(16)}`;
}

/** CloudStack's broadcast and multicast drop flows for one tunnel port. */
export function dropFlows(port: string): string[] {
  return [
    `priority=1000,in_port=${port},dl_dst=ff:ff:ff:ff:ff:ff,actions=drop`,
    `priority=1000,in_port=${port},ip,nw_dst=224.0.0.0/24,actions=drop`,
  ];
}

export function desiredFlows(p: MeshParams): string[] {
  return p.drop_flows ? (p.tunnels ?? []).flatMap((t) => dropFlows(t.name)) : [];
}

/** Interface options the mesh manages; any other option key on a tunnel is left alone. */
function tunnelOptions(p: MeshParams, t: Tunnel): Record<string, string | null> {
  return {
    key: String(p.key),
    remote_ip: t.remote_ip,
    local_ip: p.local_ip ?? null,
    dst_port: p.dst_port === undefined ? null : String(p.dst_port),
  };
}

interface MeshChangeData {
  steps?: string[][];
  flow?: boolean;
}

function createSteps(p: MeshParams, t: Tunnel): string[][] {
  const options = Object.entries(tunnelOptions(p, t)).flatMap(([k, v]) => (v === null ? [] : [mapEntry('options', k, v)]));
  return [
    ['--may-exist', 'add-port', p.bridge, t.name],
    ['set', 'interface', t.name, `type=${p.type}`, ...options],
    ['set', 'port', t.name, mapEntry('external_ids', 'zonectl-mesh', meshId(p)), mapEntry('external_ids', 'zonectl-peer', t.peer)],
  ];
}

function describe(p: MeshParams, t: Tunnel): string {
  return `${p.type} key=${p.key} remote_ip=${t.remote_ip}${p.local_ip ? ` local_ip=${p.local_ip}` : ''}`;
}

function tunnelChanges(p: MeshParams, t: Tunnel, actual: OvsPort): Change[] {
  const iface = actual.interfaces[0];
  if (actual.interfaces.length !== 1 || !iface) throw new TaskError(`port ${t.name} is not a single-interface port: remove it by hand`);
  const label = `tunnel ${t.name} → ${t.peer}`;
  if (actual.bridge !== p.bridge) {
    return [{ summary: `${label}: move from bridge ${actual.bridge ?? '(none)'} to ${p.bridge} (${describe(p, t)})`, data: { steps: [['--if-exists', 'del-port', t.name], ...createSteps(p, t)] } }];
  }
  const changes: Change[] = [];
  if (iface.type !== p.type) changes.push({ summary: `${label}: type ${iface.type} → ${p.type}`, data: { steps: [['set', 'interface', t.name, `type=${p.type}`]] } });
  for (const [key, want] of Object.entries(tunnelOptions(p, t))) {
    const have = iface.options[key];
    if (want === null && have !== undefined) {
      changes.push({ summary: `${label}: remove options:${key} (was ${have})`, data: { steps: [['remove', 'interface', t.name, 'options', ovsdbString(key)]] } });
    } else if (want !== null && have !== want) {
      changes.push({ summary: `${label}: options:${key} ${have ?? '(unset)'} → ${want}`, data: { steps: mapSteps('interface', t.name, 'options', { set: { [key]: want }, remove: [] }) } });
    }
  }
  const ids = { 'zonectl-mesh': meshId(p), 'zonectl-peer': t.peer };
  for (const [key, want] of Object.entries(ids)) {
    const have = actual.externalIds[key];
    if (have !== want) {
      const what = key === 'zonectl-mesh' && have === undefined ? 'adopt existing port into the mesh' : `external_ids:${key} ${have ?? '(unset)'} → ${want}`;
      changes.push({ summary: `${label}: ${what}`, data: { steps: mapSteps('port', t.name, 'external_ids', { set: { [key]: want }, remove: [] }) } });
    }
  }
  return changes;
}

/** Pure: desired tunnels and drop flows vs what the bridge has. */
export function diffMesh(p: MeshParams, actual: MeshState): Change[] {
  if (!p.tunnels) throw new TaskError('the mesh\'s peers were not resolved when the plan was compiled (tunnels missing)');
  const changes: Change[] = [];
  const wanted = new Set(p.tunnels.map((t) => t.name));
  for (const t of p.tunnels) {
    const port = actual.ovs.ports[t.name];
    if (!port) changes.push({ summary: `create tunnel ${t.name} → ${t.peer} on ${p.bridge} (${describe(p, t)})`, data: { steps: createSteps(p, t) } });
    else changes.push(...tunnelChanges(p, t, port));
  }
  const id = meshId(p);
  const owned = Object.values(actual.ovs.ports).filter((port) => port.bridge === p.bridge && port.externalIds['zonectl-mesh'] === id && !wanted.has(port.name));
  for (const port of owned.sort((a, b) => a.name.localeCompare(b.name))) {
    const peer = port.externalIds['zonectl-peer'];
    changes.push({ summary: `remove tunnel ${port.name}${peer ? ` → ${peer}` : ''} (no longer a peer)`, data: { steps: [['--if-exists', 'del-port', p.bridge, port.name]] } });
  }
  const cookie = meshCookie(p);
  const flows = diffFlows(desiredFlows(p), actual.dumped, ofportNames(actual.ovs, p.bridge), cookie);
  for (const f of flows.add) changes.push({ summary: `drop flow on ${p.bridge}: + ${f}`, data: { flow: true } });
  for (const f of flows.remove) changes.push({ summary: `drop flow on ${p.bridge}: - ${f}`, data: { flow: true } });
  return changes;
}

/** One ovs-vsctl transaction for the ports, then (only once it succeeded) one bundle for the flows. */
export function meshCommands(changes: readonly Change[], p: MeshParams): string {
  const data = changes.map((c) => c.data as MeshChangeData);
  const parts: string[] = [];
  const vsctl = vsctlTransaction(data.flatMap((d) => d.steps ?? []));
  if (vsctl) parts.push(vsctl);
  // Re-creating, renaming or removing a port changes which flows are valid: rewrite them whenever anything changed.
  if (changes.length > 0) parts.push(replaceCookieFlowsCommand(p.bridge, meshCookie(p), desiredFlows(p)));
  return parts.join(' && ');
}

export const ovsTunnelMesh = defineModule<MeshParams, MeshState>({
  name: 'ovs_tunnel_mesh',
  doc: {
    summary: 'A GRE or VXLAN tunnel from this host to every other host of a group, with broadcast/multicast drop flows.',
    description: [
      'Peers are resolved when the plan is compiled: the hosts of the group named by `peers` (or the listed hosts), minus',
      'this host. A peer\'s remote IP is its `tunnel_ip` variable (see remote_ip_var), else its `address`/`ansible_host`;',
      'it must be an IP address. Adding a host to the group and re-running gives every peer its tunnel in the same run.',
      'Port names are `t<key>-<from>-<to>` (≤ 15 characters): from/to are the numbers the host names end with when every',
      'member\'s does and they are distinct (kvm01 → 1), else short base-36 hashes of the host names.',
      'The mesh owns ports tagged external_ids:zonectl-mesh=<type>-<key> on its bridge (and tags zonectl-peer=<host>):',
      'owned ports whose peer left the group are deleted; an existing untagged port with a mesh port name is adopted.',
      'Per tunnel two drop flows (priority 1000: dl_dst=ff:ff:ff:ff:ff:ff and ip,nw_dst=224.0.0.0/24, matched by',
      'port name) live under the mesh cookie (default 0x7a6d<type><key>); flows under other cookies are never touched.',
      'Changing key or type makes a new mesh: run the old one with `peers: []` first to remove its tunnels.',
    ].join('\n'),
    params: {
      bridge: 'the bridge the tunnel ports go on',
      type: 'gre (default) or vxlan',
      key: 'tunnel key (GRE key 0-4294967295, VXLAN VNI 0-16777215); also part of the port names',
      peers: 'a group name, or a list of inventory hosts; this host is left out; [] removes every tunnel of the mesh',
      local_ip: 'source IP of the tunnels (optional)',
      dst_port: 'VXLAN UDP port (optional, vxlan only)',
      remote_ip_var: 'variable holding a peer\'s tunnel IP (default tunnel_ip), before address/ansible_host',
      drop_flows: 'true (default): broadcast/multicast drop flows per tunnel; false removes them',
      cookie: 'cookie of the drop flows (default derived from type and key)',
    },
    examples: [
      '- name: GRE mesh between hypervisors',
      '  ovs_tunnel_mesh:',
      '    bridge: cloudbr1',
      '    type: gre',
      '    key: 103',
      '    peers: hypervisors',
    ].join('\n'),
  },
  schema: meshParams,
  prepare: (p, ctx) => {
    if (p.tunnels) ctx.fail('tunnels is computed by zonectl from peers', ['tunnels'], 'remove it');
    return { ...p, tunnels: resolveTunnels(p, ctx) };
  },
  probe: (p) => ovsProbeScript([{ bridge: p.bridge, cookie: meshCookie(p) }]),
  parse: (output, p, ctx) => {
    const { state, flows } = parseOvsProbe(output, ctx.host);
    return { ovs: state, dumped: flows.get(flowsKey(p.bridge, meshCookie(p))) ?? null };
  },
  diff: (p, actual) => diffMesh(p, actual),
  commands: (changes, p) => meshCommands(changes, p),
});
