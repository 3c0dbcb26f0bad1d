/** `ovs_tunnel_mesh`: desired tunnels and drop flows vs the bridge → changes → commands. Pure. */
import { TaskError, type Change } from '../contract.ts';
import { diffFlows, replaceCookieFlowsCommand } from '../../ovs/flows.ts';
import { ofportNames, type OvsPort, type OvsState } from '../../ovs/state.ts';
import { mapEntry, mapSteps, ovsdbString, vsctlTransaction } from '../../ovs/vsctl.ts';
import type { Tunnel } from './resolve.ts';
import type { MeshParams } from './schema.ts';

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
