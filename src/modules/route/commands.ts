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
    const line = words.map(quote).join(' ');
    // A route to delete may be gone by now: the kernel drops a gateway's routes when an
    // earlier task of the run removed the address they were reached through. Gone is what
    // was asked for, so ESRCH ("No such process", C locale) is not a failure.
    lines.push(
      op.op === 'replace'
        ? line
        : `zc_rt=$(LC_ALL=C ${line} 2>&1) || case $zc_rt in *'No such process'*) ;; *) printf '%s\\n' "$zc_rt" >&2; exit 1 ;; esac`,
    );
  }
  return lines.join('\n');
}
