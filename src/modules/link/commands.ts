import type { Change } from '../contract.ts';
import { isPersistData, persistCommands } from '../../netconfig/persist/index.ts';
import { requireDevice } from '../../netconfig/shell.ts';
import { quote } from '../../shell/quote.ts';
import type { LinkOp } from './diff.ts';

export function linkCommands(changes: readonly Change[]): string {
  const lines: string[] = [];
  for (const change of changes) {
    if (isPersistData(change.data)) {
      lines.push(persistCommands(change.data));
      continue;
    }
    const op = change.data as LinkOp;
    lines.push(requireDevice('link', op.name));
    if (op.op === 'mtu') lines.push(`ip link set dev ${quote(op.name)} mtu ${quote(op.mtu)}`);
    else lines.push(`ip link set dev ${quote(op.name)} ${op.state === 'up' ? 'up' : 'down'}`);
  }
  return lines.join('\n');
}
