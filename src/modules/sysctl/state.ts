/**
 * Probe and parse of sysctl keys: each key's running value under /proc/sys
 * and, when persisted, the sysctl.d file zonectl keeps.
 *
 * The probe starts one process per key (`tr`, see runtimeProbe) and none for
 * the persisted file: every fork+exec counts when 30 hosts share 2 cores. The
 * file is read with the shell's own `read`, and only the lines that mention
 * this task's keys are sent (the diff needs nothing else; the edit runs on
 * the host, against the whole file).
 *
 * Probe output lines:
 *   sysctl.value <key> <value, lines joined by spaces>
 *   sysctl.missing <key> [noiface]   (noiface: its interface does not exist either)
 *   sysctl.unreadable <key>
 *   sysctl.module loaded|loadable|unloadable [modprobe's words]   (when `module` is given)
 *   sysctl.file regular|missing|nodir|unreadable|other            (when persisted)
 *   sysctl.line <1-based line number> <the line as is>            (lines naming a key)
 */
import { posix } from 'node:path';
import { TaskError } from '../contract.ts';
import type { ProbeOutput } from '../contract.ts';
import { quote } from '../../shell/quote.ts';
import { readKeyLines } from '../properties/key-lines.ts';
import type { KeyLine } from '../properties/key-lines.ts';
import { sysfsName } from '../kernel_module/schema.ts';
import { interfaceOf, normaliseValue, procPath } from './keys.ts';
import type { SysctlParams } from './schema.ts';

export type RuntimeValue =
  | { status: 'value'; value: string }
  /** interface: the per-interface key's interface does not exist (yet). */
  | { status: 'missing'; interface?: string }
  | { status: 'unreadable' };

export type ModuleStatus = { status: 'loaded' | 'loadable' } | { status: 'unloadable'; why: string };

export interface SysctlState {
  runtime: Record<string, RuntimeValue>;
  /** The providing kernel module's status; null when `module` is not given. */
  module: ModuleStatus | null;
  /** The persisted file; null when persist is false. */
  persisted: PersistedFile | null;
}

export interface PersistedFile {
  file: { kind: 'missing'; dirExists: boolean } | { kind: 'regular' };
  /** The key lines of this task's keys (other lines are not read), with their own line numbers. */
  lines: KeyLine[];
}

/**
 * A file's lines into `zc_l`, one at a time, with the shell's own `read` (no
 * process): `|| [ -n ... ]` keeps a last line that has no newline.
 */
const READ_LINES = 'while IFS= read -r zc_l || [ -n "$zc_l" ]; do';

/**
 * Runtime value of one key. Not with `read`: dash reads one byte at a time, and
 * most /proc/sys files answer a read at a non-zero offset with end-of-file,
 * so `read` would see "6" of "600". One `tr` per key, then.
 */
function runtimeProbe(key: string): string {
  const f = quote(`/proc/sys/${procPath(key)}`);
  const k = quote(key);
  const iface = interfaceOf(key);
  const missing =
    iface === null
      ? `printf 'sysctl.missing %s\\n' ${k}`
      : `if [ -e ${quote(`/sys/class/net/${iface}`)} ]; then printf 'sysctl.missing %s\\n' ${k}; else printf 'sysctl.missing %s noiface\\n' ${k}; fi`;
  return [
    `if [ -f ${f} ]; then`,
    `  if zc_v=$(tr '\\n\\t' '  ' < ${f}); then printf 'sysctl.value %s %s\\n' ${k} "$zc_v"; else printf 'sysctl.unreadable %s\\n' ${k}; fi`,
    `else ${missing}; fi`,
  ].join('\n');
}

/**
 * The persisted file: its kind, and the lines that mention one of the keys in
 * either spelling (dotted or path form). A line that merely contains a key
 * (net.ipv4.ip_forward_use_pmtu) is sent too; parse keeps exact keys only.
 */
function persistedProbe(file: string, keys: readonly string[]): string {
  const f = quote(file);
  const patterns = [...new Set(keys.flatMap((k) => [k, procPath(k)]))].map((k) => `*${quote(k)}*`).join('|');
  return [
    `if [ -L ${f} ] || { [ -e ${f} ] && [ ! -f ${f} ]; }; then echo sysctl.file other`,
    `elif [ -f ${f} ]; then`,
    `  if [ -r ${f} ]; then echo sysctl.file regular; zc_n=0`,
    `    ${READ_LINES} zc_n=$((zc_n + 1)); case $zc_l in ${patterns}) printf 'sysctl.line %s %s\\n' "$zc_n" "$zc_l";; esac; done < ${f}`,
    `  else echo sysctl.file unreadable; fi`,
    `elif [ -d ${quote(posix.dirname(file))} ]; then echo sysctl.file missing`,
    `else echo sysctl.file nodir; fi`,
  ].join('\n');
}

function parsePersisted(stdout: string, file: string, keys: readonly string[]): PersistedFile {
  const kind = /^sysctl\.file (\S+)$/m.exec(stdout)?.[1];
  if (kind === 'missing' || kind === 'nodir') return { file: { kind: 'missing', dirExists: kind === 'missing' }, lines: [] };
  if (kind === 'other') throw new TaskError(`${file} is not a regular file; zonectl only edits regular files`);
  if (kind === 'unreadable') throw new TaskError(`cannot read ${file}: permission denied (run as root or with become)`);
  if (kind !== 'regular') throw new TaskError(`cannot read ${file}: unexpected probe output ${JSON.stringify(stdout.slice(0, 200))}`);
  const wanted = new Set(keys);
  const lines: KeyLine[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^sysctl\.line (\d+) /.exec(line);
    if (!m) continue;
    for (const entry of readKeyLines(line.slice(m[0].length), 'sysctl')) {
      if (wanted.has(entry.key)) lines.push({ ...entry, line: Number(m[1]) - 1 });
    }
  }
  return { file: { kind: 'regular' }, lines };
}

export function sysctlProbe(params: SysctlParams): string {
  const keys = Object.keys(params.set);
  const lines = keys.map(runtimeProbe);
  if (params.module !== undefined) {
    const m = quote(params.module);
    lines.push(
      `if [ -d ${quote(`/sys/module/${sysfsName(params.module)}`)} ]; then echo 'sysctl.module loaded'`,
      `elif command -v modprobe >/dev/null 2>&1 && zc_why=$(modprobe -n ${m} 2>&1); then echo 'sysctl.module loadable'`,
      `else printf 'sysctl.module unloadable %s\n' "$(command -v modprobe >/dev/null 2>&1 && printf '%s' "$zc_why" || echo 'modprobe is not installed')" | head -n 1; fi`,
    );
  }
  if (params.persist) lines.push(persistedProbe(params.file, keys));
  return lines.join('\n');
}

export function parseSysctl(output: ProbeOutput, params: SysctlParams): SysctlState {
  const runtime: Record<string, RuntimeValue> = {};
  for (const line of output.stdout.split('\n')) {
    const m = /^sysctl\.(value|missing|unreadable) (\S+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const key = m[2] as string;
    const iface = interfaceOf(key);
    if (m[1] === 'value') runtime[key] = { status: 'value', value: normaliseValue(m[3] ?? '') };
    else if (m[1] === 'missing' && m[3] === 'noiface' && iface !== null) runtime[key] = { status: 'missing', interface: iface };
    else runtime[key] = { status: m[1] as 'missing' | 'unreadable' };
  }
  for (const key of Object.keys(params.set)) {
    if (!runtime[key]) {
      throw new TaskError(`cannot read sysctl ${key}: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
    }
  }
  let module: ModuleStatus | null = null;
  if (params.module !== undefined) {
    const m = /^sysctl\.module (loaded|loadable|unloadable)(?: (.*))?$/m.exec(output.stdout);
    if (!m) throw new TaskError(`cannot tell whether kernel module ${params.module} is loaded: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
    module = m[1] === 'unloadable' ? { status: 'unloadable', why: m[2] ?? '' } : { status: m[1] as 'loaded' | 'loadable' };
  }
  const persisted = params.persist ? parsePersisted(output.stdout, params.file, Object.keys(params.set)) : null;
  return { runtime, module, persisted };
}
