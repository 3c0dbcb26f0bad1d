import type { Change } from '../contract.ts';
import { isPersistData, persistCommands } from '../../netconfig/persist/index.ts';
import { quote } from '../../shell/quote.ts';
import type { RouteOp } from './diff.ts';

export function routeCommands(changes: readonly Change[]): string {
  const lines: string[] = [];
  for (const c of changes) {
    if (isPersistData(c.data)) {
      lines.push(persistCommands(c.data));
      continue;
    }
    const op = c.data as RouteOp;
    const words = ['ip', ...(op.family === 6 ? ['-6'] : []), 'route', op.op === 'replace' ? 'replace' : 'del', op.to];
    if (op.op === 'replace') {
      if (op.via !== null) words.push('via', op.via);
      if (op.dev !== null) words.push('dev', op.dev);
    }
    words.push('metric', String(op.metric), 'table', op.table);
    lines.push(words.map(quote).join(' '));
  }
  return lines.join('\n');
}
