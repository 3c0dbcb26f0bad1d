/**
 * File changes → shell text. The content comes from the desired params, never
 * from Change.data (see diff.ts).
 */
import { quote } from '../../shell/quote.ts';
import type { Change } from '../contract.ts';
import type { DesiredFile } from './desired.ts';
import type { FileChangeData } from './diff.ts';
import { atomicWriteScript, printText } from './write.ts';

export function fileCommands(changes: readonly Change[], desired: DesiredFile): string {
  const ops = changes.map((c) => c.data as FileChangeData);
  const p = quote(desired.path);
  if (ops.some((o) => o.op === 'remove')) return `rm -f ${p}`;
  if (ops.some((o) => o.op === 'mkdir')) {
    // mkdir -p: parents too; then the directory's own mode and owner.
    const out = [`mkdir -p ${p}`];
    if (desired.mode !== undefined) out.push(`chmod ${quote(desired.mode)} ${p}`);
    if (desired.owner !== undefined) out.push(`chown ${quote(desired.owner)} ${p}`);
    if (desired.group !== undefined) out.push(`chgrp ${quote(desired.group)} ${p}`);
    return out.join('\n');
  }
  if (ops.some((o) => o.op === 'write')) {
    const parents = ops.flatMap((o) => (o.op === 'parent' ? [parentDirectoryScript(o.dir)] : []));
    // Mode and owner are set on the temporary file, so the new file never has the wrong ones.
    const write = atomicWriteScript({
      path: desired.path,
      // No content given: keep whatever is there by then (an earlier task may have written it).
      produce: desired.content === undefined ? `if [ -f ${p} ]; then cat ${p}; fi` : printText(desired.content),
      mode: desired.mode,
      owner: desired.owner,
      group: desired.group,
      validate: desired.validate,
      backup: desired.backup,
    });
    return [...parents, write].join('\n');
  }
  const out: string[] = [];
  for (const o of ops) {
    if (o.op === 'chmod') out.push(`chmod ${quote(o.mode)} ${p}`);
    if (o.op === 'chown') out.push(`chown ${quote(o.owner)} ${p}`);
    if (o.op === 'chgrp') out.push(`chgrp ${quote(o.group)} ${p}`);
  }
  return out.join('\n');
}

/** A missing directory is made like `install -D` does: every level created gets 0755. */
export function parentDirectoryScript(dir: string): string {
  return `[ -d ${quote(dir)} ] || ( umask 022 && mkdir -p ${quote(dir)} )`;
}
