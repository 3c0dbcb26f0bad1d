/**
 * Compile-time resolution of a mesh: which peers this host tunnels to, each
 * peer's remote IP and the port names. Pure (inventory data in, tunnels out),
 * so adding a host to the group changes every peer's plan in the same run.
 */
import { isIP } from 'node:net';
import type { PrepareContext } from '../contract.ts';
import { hostIds, tunnelPortName } from './naming.ts';

export interface Tunnel {
  /** Port (and interface) name, `t<key>-<from>-<to>`. */
  name: string;
  /** inventory_hostname of the peer. */
  peer: string;
  remote_ip: string;
}

export interface MeshSpec {
  key: number;
  peers: string | string[];
  remote_ip_var: string;
}

/** Connection address variables, in the order they are looked at after `remote_ip_var`. */
const ADDRESS_VARS = ['address', 'ansible_host'];

/** The members named by `peers`: a group's hosts, or a list of hosts (each must be in the inventory). */
export function meshMembers(spec: MeshSpec, ctx: Pick<PrepareContext, 'groups' | 'hostvars' | 'fail'>): string[] {
  if (typeof spec.peers === 'string') {
    const hosts = ctx.groups[spec.peers];
    if (!hosts) ctx.fail(`unknown group ${JSON.stringify(spec.peers)}`, ['peers'], 'a group name from the inventory, or a list of hosts');
    return [...hosts];
  }
  spec.peers.forEach((host, i) => {
    if (!ctx.hostvars[host]) ctx.fail(`unknown host ${JSON.stringify(host)}`, ['peers', i], 'hosts from the inventory');
  });
  return [...spec.peers];
}

function remoteIp(peer: string, spec: MeshSpec, ctx: Pick<PrepareContext, 'hostvars' | 'fail'>): string {
  const vars = ctx.hostvars[peer] ?? {};
  for (const name of [spec.remote_ip_var, ...ADDRESS_VARS]) {
    const value = vars[name];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'string' && isIP(value)) return value;
    ctx.fail(`peer ${peer}: ${name} is ${JSON.stringify(value)}, not an IP address`, ['peers'], `a tunnel's remote_ip must be an IP: set ${spec.remote_ip_var} on ${peer}`);
  }
  return ctx.fail(`peer ${peer} has no IP address for its tunnel`, ['peers'], `set ${spec.remote_ip_var} or address on ${peer}`);
}

/** This host's tunnels, one per other member, sorted by peer name. */
export function resolveTunnels(spec: MeshSpec, ctx: Pick<PrepareContext, 'host' | 'groups' | 'hostvars' | 'fail'>): Tunnel[] {
  const members = meshMembers(spec, ctx);
  let ids: Map<string, string>;
  try {
    ids = hostIds([...members, ctx.host], spec.key);
  } catch (error) {
    return ctx.fail((error as Error).message, ['key'], 'use a key with fewer digits');
  }
  const self = ids.get(ctx.host) as string;
  return [...new Set(members)]
    .filter((peer) => peer !== ctx.host)
    .sort()
    .map((peer) => ({ name: tunnelPortName(spec.key, self, ids.get(peer) as string), peer, remote_ip: remoteIp(peer, spec, ctx) }));
}
