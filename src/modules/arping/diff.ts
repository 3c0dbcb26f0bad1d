/**
 * arping is an action: it has no state to converge, so it always has one
 * change (marked `action`), which runs when the task runs — as a handler,
 * only when an address task notified it.
 */
import type { Change } from '../contract.ts';
import { TaskError } from '../contract.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import type { ArpingParams } from './schema.ts';

export function diffArping(p: ArpingParams, probe: NetProbe): Change[] {
  if (!probe.tools.has('arping')) throw new TaskError('arping is not installed on this host (Debian/Ubuntu: iputils-arping)');
  const onDev = probe.state.addresses.some((a) => a.dev === p.dev && a.address === p.address);
  const note = onDev ? '' : ` (${p.address} is not on ${p.dev} yet: an earlier task must add it)`;
  return [{ summary: `send gratuitous ARP for ${p.address} on ${p.dev} to ${p.gateway ?? p.address}${note}`, action: true }];
}
