/**
 * Probe and parse of sysctl keys: each key's running value under /proc/sys
 * and, when persisted, the sysctl.d file zonectl keeps.
 *
 * Probe output lines (besides the file probe's `file.*` lines):
 *   sysctl.value <key> <value with newlines and tabs as spaces>
 *   sysctl.missing <key> [noiface]   (noiface: its interface does not exist either)
 *   sysctl.unreadable <key>
 *   sysctl.module loaded|loadable|unloadable [modprobe's words]   (when `module` is given)
 */
import { TaskError } from '../contract.ts';
import type { ProbeOutput } from '../contract.ts';
import { quote } from '../../shell/quote.ts';
import type { KeyFileState } from '../properties/state.ts';
import { keyFileProbe, parseKeyFile } from '../properties/state.ts';
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
  persisted: KeyFileState | null;
}

export function sysctlProbe(params: SysctlParams): string {
  const lines = ['('];
  for (const key of Object.keys(params.set)) {
    const f = quote(`/proc/sys/${procPath(key)}`);
    const k = quote(key);
    const iface = interfaceOf(key);
    const missing = iface === null ? `printf 'sysctl.missing %s\\n' ${k}` : `if [ -e ${quote(`/sys/class/net/${iface}`)} ]; then printf 'sysctl.missing %s\\n' ${k}; else printf 'sysctl.missing %s noiface\\n' ${k}; fi`;
    lines.push(
      `if [ -f ${f} ]; then`,
      `  if zc_v=$(tr '\\n\\t' '  ' < ${f}); then printf 'sysctl.value %s %s\\n' ${k} "$zc_v"; else printf 'sysctl.unreadable %s\\n' ${k}; fi`,
      `else ${missing}; fi`,
    );
  }
  if (params.module !== undefined) {
    const m = quote(params.module);
    lines.push(
      `if [ -d ${quote(`/sys/module/${sysfsName(params.module)}`)} ]; then echo 'sysctl.module loaded'`,
      `elif command -v modprobe >/dev/null 2>&1 && zc_why=$(modprobe -n ${m} 2>&1); then echo 'sysctl.module loadable'`,
      `else printf 'sysctl.module unloadable %s\n' "$(command -v modprobe >/dev/null 2>&1 && printf '%s' "$zc_why" || echo 'modprobe is not installed')" | head -n 1; fi`,
    );
  }
  if (params.persist) lines.push(keyFileProbe(params.file));
  lines.push(')');
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
  const persisted = params.persist ? parseKeyFile(output, params.file, 'sysctl') : null;
  return { runtime, module, persisted };
}
