/**
 * address: the listed addresses are on the device; with exclusive, no others
 * are (IPv6 link-local and kernel/daemon-managed addresses with a lifetime
 * are never removed). An address listed with another prefix length than the
 * device has is replaced. Removing the management address is refused unless
 * --allow-management-change.
 */
import type { Change, RunContext } from '../contract.ts';
import { TaskError } from '../contract.ts';
import { isLinkLocal } from '../../netconfig/ip-address.ts';
import { findManagement, MANAGEMENT_HINT } from '../../netconfig/management.ts';
import { persistChange } from '../../netconfig/persist/index.ts';
import { addressStanzas, BLOCK } from '../../netconfig/persist/ifupdown.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import type { AddressParams } from './schema.ts';

export type AddressOp = { op: 'add' | 'remove'; dev: string; cidr: string };

export function diffAddress(p: AddressParams, probe: NetProbe, ctx: RunContext): Change[] {
  const dev = probe.state.links.find((l) => l.name === p.dev);
  const have = probe.state.addresses.filter((a) => a.dev === p.dev);
  const wantIps = new Set(p.addresses.map((c) => c.slice(0, c.indexOf('/'))));
  const changes: Change[] = [];
  const later = dev ? '' : ' (not there yet: an earlier task must create it)';
  for (const cidr of p.addresses) {
    if (have.some((a) => a.cidr === cidr)) continue;
    const op: AddressOp = { op: 'add', dev: p.dev, cidr };
    changes.push({ summary: `${p.dev}: add ${cidr}${later}`, data: op });
  }
  const mgmt = findManagement(probe, ctx);
  for (const a of have) {
    if (p.addresses.includes(a.cidr)) continue;
    const samePrefixConflict = wantIps.has(a.address);
    if (!samePrefixConflict && (!p.exclusive || isLinkLocal(a) || a.dynamic)) continue;
    // Re-prefixing the management address keeps it (added before the old one goes); removing it does not.
    if (a.address === mgmt.address && !samePrefixConflict && !ctx.allowManagementChange) {
      throw new TaskError(`refusing to remove ${a.cidr} from ${p.dev}: it is the management address the controller connects to (${MANAGEMENT_HINT})`);
    }
    const op: AddressOp = { op: 'remove', dev: p.dev, cidr: a.cidr };
    changes.push({ summary: `${p.dev}: remove ${a.cidr}${samePrefixConflict ? ' (listed with another prefix length)' : ' (not listed, exclusive)'}`, data: op });
  }
  if (p.persist) {
    const lines = p.addresses.length > 0 ? addressStanzas(p.dev, p.addresses) : null;
    const persisted = persistChange(probe, ctx, { ifname: p.dev, key: BLOCK.address, lines });
    if (persisted) changes.push(persisted);
  }
  return changes;
}
