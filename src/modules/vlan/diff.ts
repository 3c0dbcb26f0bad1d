/**
 * vlan: each VLAN interface exists on its parent with its id and protocol,
 * has the MTU, is up when created, and is a port of `bridge` when given.
 * An interface of that name with another id, parent or protocol is an error:
 * renumbering in place would drop its traffic, so the operator decides.
 */
import type { Change, RunContext } from '../contract.ts';
import { TaskError } from '../contract.ts';
import { persistChange } from '../../netconfig/persist/index.ts';
import { BLOCK, vlanStanza } from '../../netconfig/persist/ifupdown.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import type { VlanParams } from './schema.ts';

export type VlanOp =
  | { op: 'create'; name: string; parent: string; id: number; protocol: string }
  | { op: 'mtu'; name: string; mtu: number }
  | { op: 'master'; name: string; bridge: string };

export function noVlanSupport(name: string, kernel: string): TaskError {
  return new TaskError(
    `the kernel has no 802.1Q support (module 8021q is neither loaded, built in, nor available for kernel ${kernel}), so VLAN interface ${name} cannot be created; install the kernel's 8021q module or use a kernel that has it`,
  );
}

export function diffVlan(p: VlanParams, probe: NetProbe, ctx: RunContext): Change[] {
  const changes: Change[] = [];
  const add = (summary: string, op: VlanOp) => changes.push({ summary, data: op });
  for (const v of p.vlans) {
    const link = probe.state.links.find((l) => l.name === v.name);
    if (!link) {
      if (probe.vlanSupport === 'missing') throw noVlanSupport(v.name, probe.kernel);
      add(`create ${v.name} (VLAN ${v.id} on ${p.parent}, ${p.protocol})`, { op: 'create', name: v.name, parent: p.parent, id: v.id, protocol: p.protocol });
    } else if (link.kind !== 'vlan' || !link.vlan) {
      throw new TaskError(`${v.name} exists and is ${link.kind ? `a ${link.kind} device` : 'not a VLAN interface'}; it cannot be VLAN ${v.id} on ${p.parent}`);
    } else if (link.vlan.id !== v.id || (link.parent !== null && link.parent !== p.parent) || link.vlan.protocol !== p.protocol) {
      throw new TaskError(
        `${v.name} is VLAN ${link.vlan.id} (${link.vlan.protocol}) on ${link.parent ?? '?'}, not VLAN ${v.id} (${p.protocol}) on ${p.parent}; ` +
          'zonectl does not renumber a VLAN interface in place: delete it first (ip link del) if that is what you want',
      );
    }
    if (p.mtu !== undefined && link?.mtu !== p.mtu) add(`${v.name}: mtu ${link ? `${link.mtu} → ` : ''}${p.mtu}`, { op: 'mtu', name: v.name, mtu: p.mtu });
    if (p.bridge !== undefined && link?.master !== p.bridge) {
      add(`${v.name}: port of bridge ${p.bridge}${link?.master ? ` (was ${link.master})` : ''}`, { op: 'master', name: v.name, bridge: p.bridge });
    }
    if (p.persist) {
      const lines = vlanStanza(v.name, { parent: p.parent, id: v.id, protocol: p.protocol, mtu: p.mtu, bridge: p.bridge });
      const persisted = persistChange(probe, ctx, { ifname: v.name, key: BLOCK.vlan, lines });
      if (persisted) changes.push(persisted);
    }
  }
  return changes;
}
