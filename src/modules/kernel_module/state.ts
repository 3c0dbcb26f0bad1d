/**
 * Probe and parse of one kernel module.
 *
 * Probe output lines (besides the list file's `file.*` lines):
 *   kmod.loaded yes|no          /sys/module/NAME exists
 *   kmod.modprobe yes|no        modprobe is installed
 *   kmod.loadable yes|no        `modprobe -n NAME` (only when not loaded)
 *   kmod.why <modprobe's words> (when not loadable)
 *   kmod.builtin yes|no         loaded, but built into the kernel (state absent only)
 */
import { quote } from '../../shell/quote.ts';
import { TaskError } from '../contract.ts';
import type { ProbeOutput } from '../contract.ts';
import { parseFileProbe } from '../file/parse.ts';
import type { FileState } from '../file/parse.ts';
import { fileProbe } from '../file/probe.ts';
import { sysfsName } from './schema.ts';
import type { KernelModuleParams } from './schema.ts';

export interface KernelModuleState {
  loaded: boolean;
  hasModprobe: boolean;
  /** null when not asked (already loaded, or no modprobe). */
  loadable: boolean | null;
  why: string;
  /** Built into the kernel, so it can never be unloaded (asked only for state absent). */
  builtin: boolean;
  /** Lines of the list file that name the module (after trimming); null when not persisted. */
  listed: boolean | null;
  file: FileState | null;
}

export function kernelModuleProbe(p: KernelModuleParams): string {
  const n = quote(p.name);
  const lines = [
    '(',
    `if [ -d ${quote(`/sys/module/${sysfsName(p.name)}`)} ]; then echo 'kmod.loaded yes'; else echo 'kmod.loaded no'; fi`,
    `if command -v modprobe >/dev/null 2>&1; then echo 'kmod.modprobe yes'; else echo 'kmod.modprobe no'; fi`,
  ];
  if (p.state === 'present') {
    lines.push(
      `if [ ! -d ${quote(`/sys/module/${sysfsName(p.name)}`)} ] && command -v modprobe >/dev/null 2>&1; then`,
      `  if zc_why=$(modprobe -n ${n} 2>&1); then echo 'kmod.loadable yes'; else echo 'kmod.loadable no'; printf 'kmod.why %s\\n' "$zc_why" | head -n 1; fi`,
      'fi',
    );
  }
  if (p.state === 'absent') {
    // A loadable module always has /sys/module/NAME/initstate; a built-in one never does.
    const dir = `/sys/module/${sysfsName(p.name)}`;
    lines.push(`if [ -d ${quote(dir)} ] && [ ! -e ${quote(`${dir}/initstate`)} ]; then echo 'kmod.builtin yes'; else echo 'kmod.builtin no'; fi`);
  }
  if (p.persist) lines.push(fileProbe(p.file));
  lines.push(')');
  return lines.join('\n');
}

/** A line of a modules-load.d file names the module (comments are # or ;). */
export function listsModule(text: string, name: string): boolean {
  const wanted = sysfsName(name);
  return text.split('\n').some((l) => sysfsName(l.trim()) === wanted);
}

export function parseKernelModule(output: ProbeOutput, p: KernelModuleParams): KernelModuleState {
  const lines = output.stdout.split('\n');
  const value = (key: string): string | undefined => lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1);
  const loaded = value('kmod.loaded');
  if (loaded === undefined) throw new TaskError(`cannot tell whether ${p.name} is loaded: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
  const loadable = value('kmod.loadable');
  let file: FileState | null = null;
  let listed: boolean | null = null;
  if (p.persist) {
    file = parseFileProbe(output.stdout, p.file);
    if (file.kind === 'regular' && file.content === null) throw new TaskError(`${p.file} is not a text file`);
    listed = file.kind === 'regular' ? listsModule(file.content ?? '', p.name) : false;
  }
  return {
    loaded: loaded === 'yes',
    hasModprobe: value('kmod.modprobe') === 'yes',
    loadable: loadable === undefined ? null : loadable === 'yes',
    why: value('kmod.why') ?? '',
    builtin: value('kmod.builtin') === 'yes',
    listed,
    file,
  };
}
