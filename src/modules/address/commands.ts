/**
 * Adds first, then removals, then every listed address once more with
 * `replace`: deleting an IPv4 primary address also deletes its secondaries
 * (unless promote_secondaries is set), and the re-assertion puts back any
 * listed address that went with it. While IPv4 addresses are deleted,
 * promote_secondaries is on (then restored): otherwise deleting a primary
 * takes its secondaries along, and a device left without an IPv4 address
 * for that moment loses every route through it (default route included),
 * which the re-assertion does not bring back.
 */
import type { Change } from '../contract.ts';
import { isPersistData, persistCommands } from '../../netconfig/persist/index.ts';
import { requireDevice } from '../../netconfig/shell.ts';
import { quote } from '../../shell/quote.ts';
import type { AddressParams } from './schema.ts';
import type { AddressOp } from './diff.ts';

export function addressCommands(changes: readonly Change[], desired: AddressParams): string {
  const ops = changes.map((c) => c.data).filter((d): d is AddressOp => !isPersistData(d));
  const lines: string[] = [];
  const dev = quote(desired.dev);
  if (ops.length > 0) {
    lines.push(requireDevice('address', desired.dev));
    for (const op of ops.filter((o) => o.op === 'add')) lines.push(`ip addr replace ${quote(op.cidr)} dev ${dev}`);
    const removals = ops.filter((o) => o.op === 'remove').map((op) => `ip addr del ${quote(op.cidr)} dev ${dev}`);
    if (ops.some((o) => o.op === 'remove' && !o.cidr.includes(':'))) lines.push(...keepingSecondaries(desired.dev, removals));
    else lines.push(...removals);
    if (ops.some((o) => o.op === 'remove')) for (const cidr of desired.addresses) lines.push(`ip addr replace ${quote(cidr)} dev ${dev}`);
  }
  for (const c of changes) if (isPersistData(c.data)) lines.push(persistCommands(c.data));
  return lines.join('\n');
}

/** Runs `removals` with the device's promote_secondaries on, restoring its old value even when one fails. */
function keepingSecondaries(dev: string, removals: readonly string[]): string[] {
  const knob = quote(`/proc/sys/net/ipv4/conf/${dev}/promote_secondaries`);
  return [
    `zc_ps=$(cat ${knob} 2>/dev/null || :)`,
    `[ -z "$zc_ps" ] || echo 1 2>/dev/null >${knob} || :`,
    'zc_rc=0',
    ...removals.map((r) => `${r} || zc_rc=$?`),
    `[ -z "$zc_ps" ] || echo "$zc_ps" 2>/dev/null >${knob} || :`,
    '[ "$zc_rc" -eq 0 ] || exit "$zc_rc"',
  ];
}
