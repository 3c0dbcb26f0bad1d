/**
 * `kernel_module`: loaded now and listed for boot, or neither.
 */
import { quote } from '../../shell/quote.ts';
import { defineModule, TaskError } from '../contract.ts';
import type { Change } from '../contract.ts';
import { parentDirectoryScript } from '../file/commands.ts';
import { parentDirectoryChanges } from '../file/diff.ts';
import { atomicWriteScript } from '../file/write.ts';
import { kernelModuleDoc } from './doc.ts';
import { kernelModuleParams, sysfsName } from './schema.ts';
import type { KernelModuleParams } from './schema.ts';
import { kernelModuleProbe, parseKernelModule } from './state.ts';
import type { KernelModuleState } from './state.ts';

type Op = 'load' | 'unload' | 'list' | 'unlist';

export function diffKernelModule(p: KernelModuleParams, s: KernelModuleState): Change[] {
  if (s.file && s.file.kind !== 'regular' && s.file.kind !== 'missing') {
    throw new TaskError(`${p.file} is not a regular file (${s.file.kind})`);
  }
  const changes: Change[] = [];
  const op = (summary: string, o: Op): void => {
    changes.push({ summary, data: { op: o } });
  };
  if (p.state === 'present') {
    if (!s.loaded) {
      if (!s.hasModprobe) throw new TaskError(`kernel module ${p.name} is not loaded and modprobe is not installed (package kmod)`);
      if (s.loadable === false) throw new TaskError(`kernel module ${p.name} cannot be loaded on this host: ${s.why || 'modprobe -n failed'}`);
      op(`load kernel module ${p.name}`, 'load');
    }
    if (s.listed === false) {
      // A missing modules-load.d directory is made first, as the file module does.
      if (s.file?.kind === 'missing') changes.push(...parentDirectoryChanges(p.file, s.file));
      op(`list ${p.name} in ${p.file} (load at boot)`, 'list');
    }
  } else {
    if (s.loaded && s.builtin) {
      throw new TaskError(`kernel module ${p.name} is built into this kernel and cannot be unloaded (state: absent is not possible here)`);
    }
    if (s.loaded) op(`unload kernel module ${p.name}`, 'unload');
    if (s.listed === true) op(`remove ${p.name} from ${p.file}`, 'unlist');
  }
  return changes;
}

/** Keeps every line but the module's own; adds it at the end when present. */
const LIST_EDIT = String.raw`
function norm(s) { sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s); gsub(/-/, "_", s); return s }
BEGIN { m = norm(ENVIRON["ZC_MOD"]); found = 0 }
{ if (norm($0) == m) { if (ENVIRON["ZC_STATE"] == "absent") next; found = 1 } print }
END { if (!found && ENVIRON["ZC_STATE"] == "present") print ENVIRON["ZC_MOD"] }
`;

export function kernelModuleCommands(changes: readonly Change[], p: KernelModuleParams): string {
  const ops = new Set(changes.map((c) => (c.data as { op: Op }).op));
  const out: string[] = [];
  if (ops.has('load')) out.push(`modprobe ${quote(p.name)}`);
  if (ops.has('unload')) out.push(`if [ -d ${quote(`/sys/module/${sysfsName(p.name)}`)} ]; then modprobe -r ${quote(p.name)}; fi`);
  if (ops.has('list') || ops.has('unlist')) {
    const f = quote(p.file);
    for (const c of changes) {
      const d = c.data as { op: string; dir?: string };
      if (d.op === 'parent' && d.dir !== undefined) out.push(parentDirectoryScript(d.dir));
    }
    out.push(
      atomicWriteScript({
        path: p.file,
        produce: [
          `zc_in=/dev/null; if [ -f ${f} ]; then zc_in=${f}; fi`,
          `ZC_MOD=${quote(p.name)} ZC_STATE=${quote(p.state)} awk ${quote(LIST_EDIT)} "$zc_in"`,
        ].join('\n'),
        skipWhenSame: true,
      }),
    );
  }
  return out.join('\n');
}

export const kernelModuleModule = defineModule<KernelModuleParams, KernelModuleState>({
  name: 'kernel_module',
  doc: kernelModuleDoc,
  schema: kernelModuleParams,
  probe: (p) => kernelModuleProbe(p),
  parse: (output, p) => parseKernelModule(output, p),
  diff: (p, s) => diffKernelModule(p, s),
  commands: (changes, p) => kernelModuleCommands(changes, p),
});
