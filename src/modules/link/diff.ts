/** link: desired MTU/state vs the live link, plus its persisted stanza. */
import type { Change, RunContext } from '../contract.ts';
import { TaskError } from '../contract.ts';
import { findManagement, MANAGEMENT_HINT } from '../../netconfig/management.ts';
import { persistChange } from '../../netconfig/persist/index.ts';
import { BLOCK, linkStanza } from '../../netconfig/persist/ifupdown.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import type { LinkParams } from './schema.ts';

export type LinkOp = { op: 'mtu'; name: string; mtu: number } | { op: 'state'; name: string; state: 'up' | 'down' };

export function diffLink(p: LinkParams, probe: NetProbe, ctx: RunContext): Change[] {
  const link = probe.state.links.find((l) => l.name === p.name);
  const changes: Change[] = [];
  const later = link ? '' : ' (not there yet: an earlier task must create it)';
  if (p.mtu !== undefined && link?.mtu !== p.mtu) {
    const op: LinkOp = { op: 'mtu', name: p.name, mtu: p.mtu };
    changes.push({ summary: `${p.name}: mtu ${link ? `${link.mtu} → ` : ''}${p.mtu}${later}`, data: op });
  }
  if (p.state !== undefined && (link === undefined || link.up !== (p.state === 'up'))) {
    if (p.state === 'down') refuseManagementDown(p.name, probe, ctx);
    const op: LinkOp = { op: 'state', name: p.name, state: p.state };
    changes.push({ summary: `${p.name}: ${link ? `${link.up ? 'up' : 'down'} → ` : ''}${p.state}${later}`, data: op });
  }
  if (p.persist) {
    const persisted = persistChange(probe, ctx, { ifname: p.name, key: BLOCK.link, lines: linkStanza(p.name, { mtu: p.mtu, state: p.state }) });
    if (persisted) changes.push(persisted);
  }
  return changes;
}

/** Taking down the device that carries the management address (or a port of its bridge) cuts us off. */
function refuseManagementDown(name: string, probe: NetProbe, ctx: RunContext): void {
  if (ctx.allowManagementChange) return;
  const mgmt = findManagement(probe, ctx);
  if (mgmt.device === null) return;
  const link = probe.state.links.find((l) => l.name === name);
  if (mgmt.device === name || link?.master === mgmt.device) {
    throw new TaskError(
      `refusing to take ${name} down: ${mgmt.device === name ? 'it carries' : `it is a port of ${mgmt.device}, which carries`} the management address ${mgmt.address} (${MANAGEMENT_HINT})`,
    );
  }
}
