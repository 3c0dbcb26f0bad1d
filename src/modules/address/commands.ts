/**
 * Adds first, then removals, then every listed address once more with
 * `replace`: deleting an IPv4 primary address also deletes its secondaries
 * (unless promote_secondaries is set), and the re-assertion puts back any
 * listed address that went with it.
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
    for (const op of ops.filter((o) => o.op === 'remove')) lines.push(`ip addr del ${quote(op.cidr)} dev ${dev}`);
    if (ops.some((o) => o.op === 'remove')) for (const cidr of desired.addresses) lines.push(`ip addr replace ${quote(cidr)} dev ${dev}`);
  }
  for (const c of changes) if (isPersistData(c.data)) lines.push(persistCommands(c.data));
  return lines.join('\n');
}
